import type { Catalogue } from './types.js';

// French. Typography: a no-break space (U+00A0) before « : » and « ; », typographic apostrophes.
export const fr: Catalogue = {
  'proof.valid': (p) => `La signature est valide : ${p.issuerName ?? 'l’émetteur'} a signé ce certificat, qui n’a pas été modifié depuis.`,
  'proof.invalid': (p) => `La signature ne correspond pas : ce certificat a été modifié après sa signature ou n’a pas été signé par son émetteur${p.reason ? ` (${p.reason})` : ''}.`,
  'proof.missing': () => 'Le certificat ne porte aucune signature (preuve) : rien n’indique qui l’a délivré.',
  'key.revoked': (p) => `La clé qui a signé ce certificat a été retirée car compromise${p.date ? ` le ${p.date}` : ''} ; la signature n’est plus digne de confiance.`,
  'proof.unresolvable': (p) => `La clé publique de l’émetteur n’a pas pu être obtenue${p.reason ? ` (${p.reason})` : ''} ; la signature n’a donc pas pu être vérifiée.`,
  'issuer.recognised': (p) => `${p.issuerName ?? 'L’émetteur'} est un centre national du réseau IIOE sur ${p.platformName ?? 'ce service'}.`,
  'issuer.suspended': (p) => `${p.issuerName ?? 'L’émetteur'} est suspendu du réseau IIOE.`,
  'issuer.unrecognised': (p) => `L’émetteur ${p.issuerId ?? ''} n’est pas un centre national IIOE de ce service.`.replace('  ', ' '),
  'issuer.unreachable': () => 'La liste des centres reconnus n’a pas pu être lue ; l’émetteur n’a donc pas pu être vérifié.',
  'issuer.not-checked': () => 'Non vérifié : la signature n’a pas été confirmée ; l’émetteur nommé dans ce certificat ne l’a peut-être pas délivré.',
  'course.authorised': (p) => `Le centre est habilité à certifier ${p.achievementName ?? 'ce cours'}.`,
  'course.unauthorised': (p) => `Le centre n’était pas habilité à certifier ${p.achievementName ?? 'ce cours'} lorsqu’il a délivré ce certificat.`,
  'course.not-checked': () => 'Non vérifié : sans signature valide, rien n’indique quel cours l’émetteur a certifié.',
  'status.active': () => 'Le certificat n’a été ni révoqué ni suspendu.',
  'status.revoked': (p) =>
    p.replacement
      ? `Le certificat a été remplacé par une version corrigée${p.date ? ` le ${p.date}` : ''} et n’est plus valide ; le certificat en vigueur est ${p.replacement}.`
      : `Le certificat a été révoqué${p.date ? ` le ${p.date}` : ''}${p.reason ? ` : ${p.reason}` : ''}.`,
  'status.suspended': (p) => `Le certificat est suspendu${p.until ? ` jusqu’au ${p.until}` : ''}${p.reason ? ` : ${p.reason}` : ''}.`,
  'status.unreadable': (p) => `Le statut de révocation n’a pas pu être vérifié${p.reason ? ` (${p.reason})` : ''} ; il n’est donc pas possible de confirmer que le certificat est toujours en vigueur.`,
  'status.not-checked': () => 'Non vérifié : sans signature valide, le statut de révocation du certificat ne signifie rien.',
  'validity.current': (p) => (p.validUntil ? `Le certificat est dans sa période de validité (jusqu’au ${p.validUntil}).` : 'Le certificat est en vigueur et n’a pas de date d’expiration.'),
  'validity.expired': (p) => `Le certificat a expiré le ${p.validUntil}.`,
  'validity.not-yet-valid': (p) => `Le certificat n’est pas valide avant le ${p.validFrom}.`,
  'validity.not-checked': () => 'Non vérifié : sans signature valide, les dates indiquées par ce certificat ne sont pas fiables.',
  'schema.ob3': () => 'Le certificat est un certificat Open Badges 3.0 correctement formé.',
  'schema.invalid': (p) => `Le certificat n’est pas un certificat Open Badges 3.0 correctement formé${p.reason ? ` : ${p.reason}` : ''}.`,
};
