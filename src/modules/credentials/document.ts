import type { Config } from '../../config.js';
import type { Language } from '../../lib/i18n.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../vc/contexts.js';
import { achievementDocument, type CourseVersion } from '../achievements/service.js';
import { centreIssuerProfile } from '../centres/service.js';
import type { CentreRow } from '../centres/repository.js';
import type { IssueCredentialInput } from './schemas.js';

export const credentialUrl = (publicBaseUrl: string, id: string) => `${publicBaseUrl}/credentials/${id}`;

/** XSD dateTimeStamp in UTC, without milliseconds unless they matter. */
export const xsdDateTime = (date: Date) => date.toISOString().replace('.000Z', 'Z');

/**
 * The unsigned Open Badges 3.0 credential for one course completion (DESIGN §1): the recipient is named by
 * an IdentityObject (never by email), the texts are in one language, and `id` is the public URL.
 */
export function buildOpenBadgeCredential({
  id,
  config,
  centre,
  achievement,
  language,
  input,
  validFrom,
  credentialStatus,
}: {
  id: string;
  config: Config;
  centre: CentreRow;
  achievement: CourseVersion;
  language: Language;
  input: IssueCredentialInput;
  validFrom: Date;
  /** the one BitstringStatusListEntry (Open Badges 3.0 allows at most one status); absent only in the console's unsigned preview */
  credentialStatus?: Record<string, unknown>;
}) {
  const achievementJson = achievementDocument({ achievement, config, language });
  // an empty list means no evidence: VC 2.0 gives `evidence` no empty form, and our verifier calls one malformed
  const evidence = input.evidence?.length ? input.evidence.map((item) => ({
    ...(item.url ? { id: item.url } : {}),
    type: ['Evidence'],
    ...(item.name ? { name: item.name } : {}),
    ...(item.description ? { description: item.description } : {}),
  })) : undefined;
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: credentialUrl(config.publicBaseUrl, id),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: achievementJson.name,
    issuer: centreIssuerProfile({ centre, publicBaseUrl: config.publicBaseUrl, language }),
    validFrom: xsdDateTime(validFrom),
    ...(input.validUntil ? { validUntil: xsdDateTime(new Date(input.validUntil)) } : {}),
    ...(credentialStatus ? { credentialStatus } : {}),
    credentialSubject: {
      ...(input.recipient.did ? { id: input.recipient.did } : {}),
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityHash: input.recipient.name, identityType: 'name', hashed: false }],
      ...(input.narrative ? { narrative: input.narrative } : {}),
      achievement: achievementJson,
    },
    ...(evidence ? { evidence } : {}),
  };
}
