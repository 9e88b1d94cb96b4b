import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { commonLanguages, type Language, pickLocalized } from '../../lib/i18n.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { notFound } from '../../lib/problem.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../vc/contexts.js';
import { platformProfile } from '../dids/service.js';
import * as repository from './repository.js';
import type { AchievementRow } from './repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const achievementUrl = (publicBaseUrl: string, id: string) => `${publicBaseUrl}/achievements/${id}`;

/**
 * A course as an OB 3.0 Achievement in one language (OB 3.0 requires plain strings for name and
 * description). The course texts are picked together so they are all in the language recorded in inLanguage.
 */
export function achievementDocument({ achievement, config, language }: { achievement: AchievementRow; config: Config; language: Language }) {
  const available = commonLanguages(achievement.name, achievement.description, achievement.criteria);
  const chosen = available.includes(language) ? language : (available[0] ?? 'en');
  const tags = [achievement.series, achievement.level].filter((tag): tag is string => Boolean(tag));
  return {
    id: achievementUrl(config.publicBaseUrl, achievement.id),
    type: ['Achievement'],
    name: pickLocalized(achievement.name, chosen).value,
    description: pickLocalized(achievement.description, chosen).value,
    criteria: { narrative: pickLocalized(achievement.criteria, chosen).value },
    achievementType: achievement.achievementType,
    inLanguage: chosen,
    creator: platformProfile(config),
    ...(tags.length > 0 ? { tag: tags } : {}),
  };
}

export async function getAchievement({ db, id }: { db: Db; id: string }): Promise<AchievementRow> {
  const achievement = UUID.test(id) ? await repository.findAchievement(db, id) : undefined;
  if (!achievement) throw notFound(`No course has the id "${id}"; GET /achievements lists them.`);
  return achievement;
}

/** GET /achievements/:id — the course as a stand-alone JSON-LD Achievement document. */
export async function getAchievementDocument({ db, config, id, language }: { db: Db; config: Config; id: string; language: Language }) {
  const achievement = await getAchievement({ db, id });
  return { '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], ...achievementDocument({ achievement, config, language }) };
}

/** GET /achievements — every course with all its languages, for people and tools choosing what to issue. */
export async function listCourses({ db, config, limit, cursor }: { db: Db; config: Config; limit: number; cursor?: string }) {
  const rows = await repository.listAchievements(db, { limit, after: decodeCursor(cursor) });
  const page = toPage(rows, limit);
  return {
    items: page.items.map((row) => ({
      id: row.id,
      url: achievementUrl(config.publicBaseUrl, row.id),
      name: row.name,
      description: row.description,
      criteria: row.criteria,
      languages: commonLanguages(row.name, row.description, row.criteria),
      achievementType: row.achievementType,
      series: row.series,
      level: row.level,
      hours: row.hours,
      demo: row.isDemo,
    })),
    nextCursor: page.nextCursor,
  };
}
