import type { Language } from '../../lib/i18n.js';
import { isUuid } from '../../lib/ids.js';
import { asRecord, firstOf } from '../../lib/json.js';
import type { AppContext } from '../../plugins/context.js';
import { parseOwnDid } from '../../vc/did-web.js';

/**
 * What the catalogue says about a credential of ours, in the reader's language. A credential carries the texts of
 * the one language it was issued in (OB 3.0 wants plain strings); the course and the centre it names have their
 * other languages here. Texts are given only where the reader's language is not the credential's own and the
 * catalogue has it: otherwise the credential's signed texts stand.
 */
export interface CatalogueTexts {
  centreName?: string;
  /** the course texts, all three in one language or none (a page never mixes languages within a course) */
  course?: { name: string; description: string; criteria: string };
  /** facts of the course version the credential was issued under, whatever the language */
  level: string | null;
  hours: number | null;
}

/**
 * The course (at the version the credential names) and the centre of a credential that names ours, read from the
 * short-lived caches. Call it only for a credential whose proof has verified: an unsigned claim of one of our
 * course ids must not borrow the catalogue's words.
 */
export async function catalogueTextsFor({ ctx, credential, language }: { ctx: AppContext; credential: Record<string, unknown>; language: Language }): Promise<CatalogueTexts> {
  const issuer = credential.issuer;
  const issuerId = typeof issuer === 'string' ? issuer : asRecord(issuer).id;
  const ownDid = typeof issuerId === 'string' ? parseOwnDid(issuerId, ctx.config.publicBaseUrl) : undefined;
  const achievement = asRecord(asRecord(firstOf(credential.credentialSubject)).achievement);
  const course = ownCourseVersion(achievement, ctx.config.publicBaseUrl);
  const [facts, version] = await Promise.all([
    ownDid?.kind === 'centre' ? ctx.lookups.issuer(ownDid.slug) : undefined,
    course ? ctx.lookups.courseVersion(`${course.id}@${course.version}`) : undefined,
  ]);
  const translate = achievement.inLanguage !== language;
  const texts: CatalogueTexts = { level: version?.level ?? null, hours: version?.hours ?? null };
  const centreName = facts?.centre.name[language];
  if (translate && centreName) texts.centreName = centreName;
  const [name, description, criteria] = [version?.name[language], version?.description[language], version?.criteria[language]];
  if (translate && name && description && criteria) texts.course = { name, description, criteria };
  return texts;
}

/** The catalogue id of an achievement that is one of our courses (its id is our course URL). */
export function ownCourseId(achievement: Record<string, unknown>, publicBaseUrl: string): string | undefined {
  const prefix = `${publicBaseUrl}/achievements/`;
  const id = typeof achievement.id === 'string' && achievement.id.startsWith(prefix) ? achievement.id.slice(prefix.length) : undefined;
  return id && isUuid(id) ? id : undefined;
}

/** The catalogue id and version of an achievement that is one of our courses; version 1 when it names none (issued before versions). */
function ownCourseVersion(achievement: Record<string, unknown>, publicBaseUrl: string): { id: string; version: number } | undefined {
  const id = ownCourseId(achievement, publicBaseUrl);
  if (!id) return undefined;
  const version = achievement.version === undefined ? '1' : achievement.version;
  return typeof version === 'string' && /^[1-9][0-9]{0,8}$/.test(version) ? { id, version: Number(version) } : undefined;
}
