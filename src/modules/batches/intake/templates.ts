import ExcelJS from 'exceljs';
import type { Language } from '../../../lib/i18n.js';
import { toCsv } from '../../../lib/safe-csv.js';
import { BATCH_COLUMNS, type BatchColumn, HEADER_NAMES } from './columns.js';

/** The header a language's template writes for a column: the first name that language accepts. */
export const templateHeader = (column: BatchColumn, language: Language) => HEADER_NAMES[column][language][0] ?? column;

const EXAMPLE_DATES = { validFrom: '2026-11-23', validUntil: '2029-11-23' } as const;

/** One realistic learner per language: names in the language's script, with its accents or letters. */
const EXAMPLES: Record<Language, Record<BatchColumn, string>> = {
  en: {
    name: 'Amina Okafor',
    email: 'amina.okafor@example.edu',
    achievementId: 'genai-foundation',
    language: 'en',
    ...EXAMPLE_DATES,
    narrative: 'Designed and taught a first-year lesson that uses generative AI for formative feedback.',
    evidenceUrl: 'https://example.edu/portfolio/amina-okafor',
    externalId: '20231234',
  },
  fr: {
    name: 'Élise Lefèvre-Nœl',
    email: 'elise.lefevre@example.fr',
    achievementId: 'genai-foundation',
    language: 'fr',
    ...EXAMPLE_DATES,
    narrative: "A conçu et animé une séquence pédagogique intégrant l'IA générative pour l'évaluation formative.",
    evidenceUrl: 'https://example.fr/portfolio/elise-lefevre',
    externalId: '20231234',
  },
  ar: {
    name: 'نور الهدى عبد الرحمن',
    email: 'nour.abdelrahman@example.edu.eg',
    achievementId: 'genai-foundation',
    language: 'ar',
    ...EXAMPLE_DATES,
    narrative: 'صممت ونفذت درساً للسنة الأولى يستخدم الذكاء الاصطناعي التوليدي في التقييم التكويني.',
    evidenceUrl: 'https://example.edu.eg/portfolio/nour-abdelrahman',
    externalId: '20231234',
  },
  zh: {
    name: '李华',
    email: 'li.hua@example.edu.cn',
    achievementId: 'genai-foundation',
    language: 'zh',
    ...EXAMPLE_DATES,
    narrative: '设计并讲授了一节运用生成式人工智能开展形成性评价的一年级课程。',
    evidenceUrl: 'https://example.edu.cn/portfolio/li-hua',
    externalId: '20231234',
  },
};

interface HelpTexts {
  sheetName: string;
  headings: [column: string, required: string, format: string, example: string, otherNames: string];
  yes: string;
  no: string;
  courseRequired: string;
  formats: Record<BatchColumn, string>;
}

/** The help sheet of the workbook template, in each language. */
const HELP: Record<Language, HelpTexts> = {
  en: {
    sheetName: 'Help',
    headings: ['Column', 'Required', 'Format', 'Example', 'Other accepted header names'],
    yes: 'Yes',
    no: 'No',
    courseRequired: 'Yes, unless the upload names one course for the whole batch',
    formats: {
      name: "The learner's name as it should appear on the credential (at most 200 characters)",
      email: 'An e-mail address; the credential is sent there. Leave empty to send nothing',
      achievementId: "The course's short code (e.g. genai-foundation) or its id",
      language: 'en, fr, ar or zh: the language of the credential; empty means the centre\'s language',
      validFrom: 'A date (2026-11-23) or date and time (2026-11-23T09:00:00Z); empty means the time of issuance',
      validUntil: 'A date or date and time after validFrom; empty means it does not expire',
      narrative: 'What this learner did, in the credential\'s language (at most 2,000 characters)',
      evidenceUrl: 'An https:// link to the learner\'s work',
      externalId: "Your own learner or enrolment number; the same number and course are never issued twice",
    },
  },
  fr: {
    sheetName: 'Aide',
    headings: ['Colonne', 'Obligatoire', 'Format', 'Exemple', "Autres noms d'en-tête acceptés"],
    yes: 'Oui',
    no: 'Non',
    courseRequired: "Oui, sauf si l'envoi indique un seul cours pour tout le lot",
    formats: {
      name: "Le nom de l'apprenant tel qu'il doit figurer sur le certificat (200 caractères au plus)",
      email: "Une adresse électronique ; le certificat y est envoyé. Laisser vide pour ne rien envoyer",
      achievementId: 'Le code court du cours (par ex. genai-foundation) ou son identifiant',
      language: 'en, fr, ar ou zh : la langue du certificat ; vide signifie la langue du centre',
      validFrom: "Une date (2026-11-23) ou une date et une heure (2026-11-23T09:00:00Z) ; vide signifie le moment de l'émission",
      validUntil: "Une date ou une date et une heure postérieure au début de validité ; vide signifie sans expiration",
      narrative: "Ce que l'apprenant a réalisé, dans la langue du certificat (2 000 caractères au plus)",
      evidenceUrl: "Un lien https:// vers le travail de l'apprenant",
      externalId: "Votre numéro d'apprenant ou d'inscription ; un même numéro et un même cours ne sont jamais émis deux fois",
    },
  },
  ar: {
    sheetName: 'مساعدة',
    headings: ['العمود', 'إلزامي', 'الصيغة', 'مثال', 'أسماء أخرى مقبولة لعنوان العمود'],
    yes: 'نعم',
    no: 'لا',
    courseRequired: 'نعم، ما لم يحدد الرفع مقرراً واحداً للدفعة كلها',
    formats: {
      name: 'اسم المتعلم كما يجب أن يظهر على الشهادة (200 حرف على الأكثر)',
      email: 'عنوان بريد إلكتروني تُرسل إليه الشهادة؛ اتركه فارغاً لعدم الإرسال',
      achievementId: 'الرمز المختصر للمقرر (مثل genai-foundation) أو معرّفه',
      language: 'en أو fr أو ar أو zh: لغة الشهادة؛ الفراغ يعني لغة المركز',
      validFrom: 'تاريخ (2026-11-23) أو تاريخ ووقت (2026-11-23T09:00:00Z)؛ الفراغ يعني وقت الإصدار',
      validUntil: 'تاريخ أو تاريخ ووقت بعد تاريخ البدء؛ الفراغ يعني أنها لا تنتهي',
      narrative: 'ما أنجزه المتعلم، بلغة الشهادة (2000 حرف على الأكثر)',
      evidenceUrl: 'رابط https:// إلى عمل المتعلم',
      externalId: 'رقم المتعلم أو رقم التسجيل لديكم؛ لا تصدر شهادة مرتين للرقم نفسه والمقرر نفسه',
    },
  },
  zh: {
    sheetName: '帮助',
    headings: ['列', '必填', '格式', '示例', '其他可用的列名'],
    yes: '是',
    no: '否',
    courseRequired: '是，除非上传时为整批指定了一门课程',
    formats: {
      name: '证书上显示的学员姓名（最多 200 个字符）',
      email: '电子邮件地址，证书将发送至此；留空则不发送',
      achievementId: '课程简码（如 genai-foundation）或课程 ID',
      language: 'en、fr、ar 或 zh：证书语言；留空则使用中心的语言',
      validFrom: '日期（2026-11-23）或日期和时间（2026-11-23T09:00:00Z）；留空则为颁发时间',
      validUntil: '晚于生效日期的日期或日期和时间；留空则长期有效',
      narrative: '学员完成的内容，使用证书的语言（最多 2000 个字符）',
      evidenceUrl: '指向学员作品的 https:// 链接',
      externalId: '贵中心的学号或报名编号；同一编号和同一课程不会重复颁发',
    },
  },
};

const DATE_COLUMNS: readonly BatchColumn[] = ['validFrom', 'validUntil'];

function csvTemplate(language: Language): Buffer {
  const rows = [BATCH_COLUMNS.map((column) => templateHeader(column, language)), BATCH_COLUMNS.map((column) => EXAMPLES[language][column])];
  // the byte-order mark is how Excel knows a CSV file is UTF-8; without it Arabic and Chinese open as mojibake
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(toCsv(rows), 'utf8')]);
}

async function xlsxTemplate(language: Language): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const rightToLeft = language === 'ar';
  const sheet = workbook.addWorksheet('Cohort', { views: [{ state: 'frozen', ySplit: 1, rightToLeft }] });
  sheet.columns = BATCH_COLUMNS.map((column) => ({
    header: templateHeader(column, language),
    key: column,
    width: column === 'narrative' ? 60 : column === 'evidenceUrl' ? 45 : 24,
    // text format keeps what is typed: leading zeros of ids, course codes, dates typed as 2026-11-23
    style: DATE_COLUMNS.includes(column) ? { numFmt: 'yyyy-mm-dd' } : { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  const example = EXAMPLES[language];
  sheet.addRow(
    Object.fromEntries(
      BATCH_COLUMNS.map((column) => [
        column,
        // real date cells, as a spreadsheet user enters them; they read back as 2026-11-23, like the CSV
        DATE_COLUMNS.includes(column) ? new Date(`${example[column]}T00:00:00Z`) : example[column],
      ]),
    ),
  );

  const help = HELP[language];
  const helpSheet = workbook.addWorksheet(help.sheetName, { views: [{ rightToLeft }] });
  helpSheet.columns = [{ width: 24 }, { width: 30 }, { width: 70 }, { width: 40 }, { width: 60 }];
  helpSheet.addRow(help.headings).font = { bold: true };
  for (const column of BATCH_COLUMNS) {
    const header = templateHeader(column, language);
    const otherNames = HEADER_NAMES[column][language].filter((name) => name !== header);
    const required = column === 'name' ? help.yes : column === 'achievementId' ? help.courseRequired : help.no;
    helpSheet.addRow([header, required, help.formats[column], example[column], otherNames.join(', ')]).alignment = { wrapText: true, vertical: 'top' };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The downloadable cohort template of a language: its header names, one example learner, and (XLSX) a help sheet. */
export async function batchTemplate(input: { language: Language; format: 'csv' | 'xlsx' }): Promise<Buffer> {
  return input.format === 'csv' ? csvTemplate(input.language) : xlsxTemplate(input.language);
}
