import { randomUUID } from 'node:crypto';
import type { IssuedCredentialInsert } from '../../src/modules/credentials/repository.js';
import type { StatusSlot } from '../../src/modules/status/service.js';

/**
 * The columns of a credential stored straight through the repository, bypassing signing: the issuance
 * statement's checks (authorisation, list room, entry held once, foreign keys) are what these tests exercise,
 * so the document is an empty object.
 */
export function unsignedCredentialRow(given: {
  centreId: string;
  achievementId: string;
  signingKeyId: string;
  slot: StatusSlot;
  recipientName: string;
}): IssuedCredentialInsert['credential'] {
  return {
    id: randomUUID(),
    centreId: given.centreId,
    achievementId: given.achievementId,
    signingKeyId: given.signingKeyId,
    recipientName: given.recipientName,
    achievementVersion: 1,
    language: 'en',
    validFrom: new Date(),
    document: '{}',
    statusListId: given.slot.listId,
    statusListIndex: given.slot.index,
  };
}
