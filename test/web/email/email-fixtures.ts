import { LANGUAGES, type Language } from '../../../src/lib/i18n.js';
import type { CredentialEmailInput } from '../../../src/web/email/credential-email.js';

// One learner per language, with names and courses in that language's script (and a Latin run inside the Arabic
// course, the case bidi isolation exists for).
const LEARNERS: Record<Language, { recipientName: string; courseName: string; centreName: string }> = {
  en: { recipientName: 'Amira Hassan', courseName: 'Blended Learning Design', centreName: 'IIOE Egypt National Centre' },
  fr: { recipientName: 'Zoë Ngọc Đặng', courseName: 'Conception de cours hybrides', centreName: 'Centre national IIOE du Sénégal' },
  ar: { recipientName: 'أميرة حسن', courseName: 'أساسيات 1+X GenAI', centreName: 'المركز الوطني المصري للتعليم الإلكتروني' },
  zh: { recipientName: '李小龙', courseName: '混合式教学设计', centreName: 'IIOE 中国国家中心' },
};

export const SHORT_CODES: Record<Language, string> = { en: 'EG-7K4Q-92MX-3TRA-K', fr: 'SN-4H8P-21QD-7WEB-M', ar: 'EG-9Z2X-55KL-1PQR-T', zh: 'CN-3M6N-80VB-4HJS-D' };

export function emailInput(language: Language, overrides: Partial<CredentialEmailInput> = {}): CredentialEmailInput {
  const code = SHORT_CODES[language];
  return {
    language,
    ...LEARNERS[language],
    centreContactEmail: 'iioe.centre@asu.example',
    platformName: 'IIOE Credentials',
    credentialUrl: `https://credentials.example.org/credentials/0a1b2c3d-4e5f-4a6b-8c7d-${LANGUAGES.indexOf(language)}e9f0a1b2c3d`,
    shortLink: `https://credentials.example.org/v/${code}`,
    shortCode: code,
    issuedOn: new Date('2026-03-03T10:00:00Z'),
    expiresOn: null,
    ...overrides,
  };
}
