import type { Language } from '../../../lib/i18n.js';

/** The columns of a cohort file, in template order; `name` is the only one every file must have. */
export const BATCH_COLUMNS = [
  'name',
  'email',
  'achievementId',
  'language',
  'validFrom',
  'validUntil',
  'narrative',
  'evidenceUrl',
  'externalId',
] as const;
export type BatchColumn = (typeof BATCH_COLUMNS)[number];

/**
 * The header names accepted for each column, per language. The first name of each language is the one that
 * language's template writes (English uses the API's own field names, so a file and a JSON body look alike).
 * Matching ignores case, accents, Arabic hamza seats and diacritics, spaces and punctuation (normaliseHeader),
 * so "Full name", "full_name" and "FULL-NAME" are one name; the lists below hold each name once.
 */
export const HEADER_NAMES: Record<BatchColumn, Record<Language, readonly string[]>> = {
  name: {
    en: ['name', 'full name', 'learner name', 'recipient name', 'participant name', 'teacher name', 'student name'],
    fr: ['nom complet', 'nom', 'nom et prénom', 'prénom et nom', "nom de l'apprenant", 'nom du participant', "nom de l'enseignant"],
    ar: ['الاسم الكامل', 'الاسم', 'الاسم بالكامل', 'اسم المتعلم', 'اسم المشارك', 'اسم المعلم'],
    zh: ['姓名', '名字', '全名', '学员姓名', '教师姓名'],
  },
  email: {
    en: ['email', 'email address', 'mail'],
    fr: ['courriel', 'adresse électronique', 'adresse courriel', 'adresse e-mail', 'mél'],
    ar: ['البريد الإلكتروني', 'البريد', 'الإيميل', 'عنوان البريد الإلكتروني'],
    zh: ['电子邮件', '电子邮箱', '邮箱', '邮件地址'],
  },
  achievementId: {
    en: ['achievementId', 'achievement', 'course', 'course code', 'course id'],
    fr: ['code du cours', 'cours', 'identifiant du cours', 'formation', 'code de la formation'],
    ar: ['رمز المقرر', 'المقرر', 'الدورة', 'رمز الدورة', 'المساق', 'رمز المساق'],
    zh: ['课程代码', '课程', '课程编号', '课程ID'],
  },
  language: {
    en: ['language', 'lang', 'credential language'],
    fr: ['langue', 'langue du certificat'],
    ar: ['اللغة', 'لغة الشهادة'],
    zh: ['语言', '证书语言'],
  },
  validFrom: {
    en: ['validFrom', 'valid from', 'issue date', 'start date'],
    fr: ['valide à partir du', 'valable à partir du', 'date de début', 'date de délivrance', "date d'émission"],
    ar: ['صالح من', 'صالحة من', 'تاريخ البدء', 'تاريخ الإصدار', 'تاريخ البداية'],
    zh: ['生效日期', '有效期开始', '颁发日期', '开始日期'],
  },
  validUntil: {
    en: ['validUntil', 'valid until', 'expiry date', 'expiration date', 'expires'],
    fr: ["valide jusqu'au", "valable jusqu'au", "date d'expiration", 'date de fin'],
    ar: ['صالح حتى', 'صالحة حتى', 'تاريخ الانتهاء', 'تاريخ انتهاء الصلاحية'],
    zh: ['有效期至', '失效日期', '到期日期', '截止日期'],
  },
  narrative: {
    en: ['narrative', 'what the learner did', 'achievement narrative'],
    fr: ['récit', 'description des acquis', 'réalisations'],
    ar: ['السرد', 'وصف الإنجاز', 'الإنجاز'],
    zh: ['学习成果说明', '成果说明', '成果描述'],
  },
  evidenceUrl: {
    en: ['evidenceUrl', 'evidence', 'evidence link', 'evidence url', 'portfolio'],
    fr: ['lien de preuve', 'preuve', 'url de la preuve', 'justificatif', 'portfolio'],
    ar: ['رابط الدليل', 'الدليل', 'رابط الإثبات', 'ملف الإنجاز'],
    zh: ['证明链接', '证明材料', '佐证链接', '作品集'],
  },
  externalId: {
    en: ['externalId', 'external id', 'learner id', 'student id', 'enrolment id', 'enrollment id', 'participant id'],
    fr: ["identifiant de l'apprenant", 'identifiant', 'identifiant externe', "numéro d'inscription", 'matricule'],
    ar: ['رقم المتعلم', 'المعرف', 'رقم التسجيل', 'الرقم التعريفي', 'رقم المشارك'],
    zh: ['学号', '学员编号', '报名编号', '外部编号'],
  },
};

/**
 * The comparable form of a header: Unicode-compatibility folded (full-width letters become ASCII), accents and
 * Arabic diacritics dropped (the hamza on أ إ آ is a combining mark after decomposition, so they all become ا),
 * ى and ة folded to ي and ه as people type them either way, lower-cased, and everything that is not a letter or
 * a digit removed (spaces, underscores, hyphens, apostrophes, colons, the invisible direction marks Excel keeps
 * in Arabic headers).
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const COLUMN_BY_HEADER: ReadonlyMap<string, BatchColumn> = (() => {
  const byHeader = new Map<string, BatchColumn>();
  for (const column of BATCH_COLUMNS) {
    for (const names of Object.values(HEADER_NAMES[column])) {
      for (const name of names) {
        const key = normaliseHeader(name);
        const taken = byHeader.get(key);
        // a name two columns share would make a file's meaning depend on this table's order
        if (taken && taken !== column) throw new Error(`header name "${name}" is listed for both ${taken} and ${column}`);
        byHeader.set(key, column);
      }
    }
  }
  return byHeader;
})();

/** The column a header names, or null for a header we do not know (reported to the user, then ignored). */
export function columnForHeader(header: string): BatchColumn | null {
  return COLUMN_BY_HEADER.get(normaliseHeader(header)) ?? null;
}

/** The names a column accepts, for messages: every language's names, in table order. */
export function acceptedNames(column: BatchColumn): string[] {
  return Object.values(HEADER_NAMES[column]).flat();
}
