// What the VCALM tests share: the specifications' URLs and problem types, our demo centre, and an Open Badges 3.0
// credential of an IIOE course written from the OB 3.0 data model.

type Json = Record<string, unknown>;

export const V2 = 'https://www.w3.org/ns/credentials/v2';
export const V1 = 'https://www.w3.org/2018/credentials/v1';
export const OB = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const EGYPT_DID = 'did:web:localhost%3A3000:centres:egypt-demo';
export const VCDM = 'https://www.w3.org/TR/vc-data-model-2.0#';
export const UNKNOWN_OPTION = 'https://www.w3.org/TR/vcalm#UNKNOWN_OPTION_PROVIDED';

/** An Open Badges 3.0 credential for the course at `achievementId`, naming its learner as an OB 3.0 IdentityObject. */
export function openBadge({ achievementId, id, learner = 'Nadia Mansour' }: { achievementId: string; id: string; learner?: string }): Json {
  return {
    '@context': [V2, OB],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'AI in Teaching workshop',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityHash: learner, identityType: 'name', hashed: false }],
      achievement: {
        id: achievementId,
        type: ['Achievement'],
        name: 'AI in Teaching workshop',
        description: 'A one-day workshop on using generative AI in course design.',
        criteria: { narrative: 'Attended the workshop and submitted a redesigned syllabus.' },
      },
    },
  };
}
