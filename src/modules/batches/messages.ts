import { isolate, type Language } from '../../lib/i18n.js';

/** What can be wrong with a row of a cohort file (errors stop the row; warnings are for the person to judge). */
export type RowIssueCode =
  | 'required'
  | 'too-long'
  | 'forbidden-characters'
  | 'invalid-email'
  | 'invalid-date'
  | 'invalid-url'
  | 'unknown-language'
  | 'unknown-course'
  | 'course-not-authorised'
  | 'language-unavailable'
  | 'valid-until-before-valid-from'
  | 'valid-until-in-past'
  | 'duplicate-in-file'
  | 'already-issued'
  | 'repeated-learner'
  | 'centre-suspended'
  | 'invalid';

export interface RowIssueParams {
  max?: number;
  row?: number;
  value?: string;
  available?: string;
  /** a validation message in English, for the codes we have no translation of */
  detail?: string;
}

type Catalogue = Record<RowIssueCode, (p: RowIssueParams) => string>;

// Inserted values are isolated (FSI…PDI) so a Latin course code keeps its order inside an Arabic sentence.
const v = (value: string | number | undefined) => isolate(String(value ?? ''));

const en: Catalogue = {
  required: () => 'This cell is required.',
  'too-long': (p) => `Too long: at most ${p.max} characters.`,
  'forbidden-characters': () => 'Contains control or text-direction characters; retype the text.',
  'invalid-email': () => 'Not an e-mail address (e.g. amina@example.org).',
  'invalid-date': () => 'Not a date: write 2026-11-23, or a date-time with its time zone such as 2026-11-23T08:00:00Z.',
  'invalid-url': () => 'Not a web link: it must start with https:// or http://.',
  'unknown-language': () => 'Unknown language: write en, fr, ar or zh.',
  'unknown-course': (p) => `No course has the id or code ${v(p.value)}; the course list gives each course's code.`,
  'course-not-authorised': (p) => `Your centre is not authorised to certify the course ${v(p.value)}.`,
  'language-unavailable': (p) => `The course has no texts in this language; use one of: ${v(p.available)}.`,
  'valid-until-before-valid-from': () => 'validUntil must be later than validFrom.',
  'valid-until-in-past': () => 'validUntil is in the past: the credential would be born expired.',
  'duplicate-in-file': (p) => `The same learner id and course are already in row ${p.row}.`,
  'already-issued': () => 'A credential for this learner id and course was issued before; it will not be issued again.',
  'repeated-learner': (p) => `Same name, e-mail and course as row ${p.row}: the learner may be listed twice (give an externalId to prevent duplicates).`,
  'centre-suspended': () => 'The centre is suspended and cannot issue credentials; the IIOE platform can reactivate it.',
  invalid: (p) => `Invalid value: ${p.detail}.`,
};

const fr: Catalogue = {
  required: () => 'Cette cellule est obligatoire.',
  'too-long': (p) => `Trop long : ${p.max} caractères au plus.`,
  'forbidden-characters': () => 'Contient des caractères de contrôle ou de direction du texte ; ressaisissez le texte.',
  'invalid-email': () => 'Adresse électronique invalide (par ex. amina@example.org).',
  'invalid-date': () => 'Date invalide : écrivez 2026-11-23, ou une date et heure avec son fuseau, par ex. 2026-11-23T08:00:00Z.',
  'invalid-url': () => 'Lien invalide : il doit commencer par https:// ou http://.',
  'unknown-language': () => 'Langue inconnue : écrivez en, fr, ar ou zh.',
  'unknown-course': (p) => `Aucun cours n'a l'identifiant ou le code ${v(p.value)} ; la liste des cours donne le code de chacun.`,
  'course-not-authorised': (p) => `Votre centre n'est pas habilité à certifier le cours ${v(p.value)}.`,
  'language-unavailable': (p) => `Le cours n'a pas de textes dans cette langue ; utilisez : ${v(p.available)}.`,
  'valid-until-before-valid-from': () => 'validUntil doit être postérieur à validFrom.',
  'valid-until-in-past': () => 'validUntil est déjà passé : le justificatif naîtrait expiré.',
  'duplicate-in-file': (p) => `Le même identifiant d'apprenant et le même cours figurent déjà à la ligne ${p.row}.`,
  'already-issued': () => 'Un justificatif a déjà été délivré pour cet identifiant et ce cours ; il ne sera pas délivré à nouveau.',
  'repeated-learner': (p) => `Même nom, même adresse et même cours qu'à la ligne ${p.row} : l'apprenant figure peut-être deux fois (un externalId évite les doublons).`,
  'centre-suspended': () => 'Le centre est suspendu et ne peut pas délivrer de certificats ; la plateforme IIOE peut le réactiver.',
  invalid: (p) => `Valeur invalide : ${p.detail}.`,
};

const ar: Catalogue = {
  required: () => 'هذه الخانة مطلوبة.',
  'too-long': (p) => `النص طويل جدًا: ${v(p.max)} حرفًا على الأكثر.`,
  'forbidden-characters': () => 'يحتوي على محارف تحكم أو محارف اتجاه النص؛ أعد كتابة النص.',
  'invalid-email': () => 'ليس عنوان بريد إلكتروني صحيحًا (مثل amina@example.org).',
  'invalid-date': () => `ليس تاريخًا: اكتب ${v('2026-11-23')} أو تاريخًا ووقتًا مع المنطقة الزمنية مثل ${v('2026-11-23T08:00:00Z')}.`,
  'invalid-url': () => `ليس رابطًا: يجب أن يبدأ بـ ${v('https://')} أو ${v('http://')}.`,
  'unknown-language': () => 'لغة غير معروفة: اكتب en أو fr أو ar أو zh.',
  'unknown-course': (p) => `لا يوجد مقرر بالمعرّف أو الرمز ${v(p.value)}؛ تعرض قائمة المقررات رمز كل مقرر.`,
  'course-not-authorised': (p) => `مركزك غير مخوّل بمنح شهادة المقرر ${v(p.value)}.`,
  'language-unavailable': (p) => `لا توجد نصوص للمقرر بهذه اللغة؛ استخدم إحدى اللغات: ${v(p.available)}.`,
  'valid-until-before-valid-from': () => 'يجب أن يكون validUntil بعد validFrom.',
  'valid-until-in-past': () => 'تاريخ validUntil قد مضى: ستكون الشهادة منتهية الصلاحية منذ إصدارها.',
  'duplicate-in-file': (p) => `معرّف المتعلم نفسه والمقرر نفسه موجودان في السطر ${v(p.row)}.`,
  'already-issued': () => 'صدرت شهادة لهذا المعرّف وهذا المقرر من قبل؛ لن تصدر مرة أخرى.',
  'repeated-learner': (p) => `الاسم والبريد والمقرر نفسها كما في السطر ${v(p.row)}: ربما ورد المتعلم مرتين (أضف externalId لتجنّب التكرار).`,
  'centre-suspended': () => 'المركز موقوف ولا يمكنه إصدار الشهادات؛ يمكن لمنصة IIOE إعادة تفعيله.',
  invalid: (p) => `قيمة غير صحيحة: ${v(p.detail)}.`,
};

const zh: Catalogue = {
  required: () => '此单元格为必填项。',
  'too-long': (p) => `内容过长：最多 ${p.max} 个字符。`,
  'forbidden-characters': () => '包含控制字符或文字方向字符，请重新输入。',
  'invalid-email': () => '不是有效的电子邮件地址（例如 amina@example.org）。',
  'invalid-date': () => '不是日期：请写 2026-11-23，或带时区的日期时间，如 2026-11-23T08:00:00Z。',
  'invalid-url': () => '不是网址：必须以 https:// 或 http:// 开头。',
  'unknown-language': () => '未知语言：请填写 en、fr、ar 或 zh。',
  'unknown-course': (p) => `没有课程的编号或代码为 ${v(p.value)}；课程列表中有每门课程的代码。`,
  'course-not-authorised': (p) => `贵中心未获授权颁发课程 ${v(p.value)} 的证书。`,
  'language-unavailable': (p) => `该课程没有此语言的文本；请使用：${v(p.available)}。`,
  'valid-until-before-valid-from': () => 'validUntil 必须晚于 validFrom。',
  'valid-until-in-past': () => 'validUntil 已经过去：证书一颁发就已过期。',
  'duplicate-in-file': (p) => `相同的学员编号和课程已出现在第 ${p.row} 行。`,
  'already-issued': () => '此前已为该学员编号和课程颁发过证书，不会重复颁发。',
  'repeated-learner': (p) => `姓名、电子邮件和课程与第 ${p.row} 行相同：该学员可能被列了两次（填写 externalId 可防止重复）。`,
  'centre-suspended': () => '该中心已被暂停，不能颁发证书；IIOE 平台可以重新启用它。',
  invalid: (p) => `无效的值：${p.detail}。`,
};

const catalogues: Record<Language, Catalogue> = { en, fr, ar, zh };

/** A code of this catalogue (row errors of a batch store theirs; other codes come from elsewhere). */
export function isRowIssueCode(code: string): code is RowIssueCode {
  return Object.hasOwn(en, code);
}

export function rowIssueMessage(code: RowIssueCode, params: RowIssueParams, language: Language): string {
  return catalogues[language][code](params);
}
