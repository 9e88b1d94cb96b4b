import type { Language } from '../../lib/i18n.js';

type With<P> = (params: P) => string;

/**
 * One language's words for the e-mail that brings a learner their credential. `Record<Language, EmailMessages>`
 * below makes every language have every key (checked at build time). Labels the credential page already has (the
 * verification code, the LinkedIn button, the QR code's description) come from the page catalogue, so the e-mail
 * and the page say the same.
 *
 * Values are inserted as given (names, the course, the centre) or already formatted (the date); the renderer
 * escapes and isolates them, so no text here carries markup or bidi control characters.
 */
export interface EmailMessages {
  subject: With<{ course: string }>;
  greeting: With<{ name: string }>;
  issued: With<{ centre: string; course: string; date: string }>;
  viewButton: string;
  linkFallback: string;
  code: With<{ code: string }>;
  qrIntro: string;
  linkedInHeading: string;
  linkedInText: string;
  walletHeading: string;
  walletText: With<{ date: string }>;
  walletButton: string;
  verify: With<{ platformName: string }>;
  contact: With<{ centre: string; email: string }>;
  why: With<{ centre: string }>;
}

export const emailCatalogues: Record<Language, EmailMessages> = {
  en: {
    subject: (p) => `Your IIOE credential: ${p.course}`,
    greeting: (p) => `Dear ${p.name},`,
    issued: (p) => `On ${p.date}, ${p.centre} issued you a credential for the course ${p.course}.`,
    viewButton: 'View your credential',
    linkFallback: 'If the button does not work, copy this link into your browser:',
    code: (p) => `Verification code: ${p.code}`,
    qrIntro: 'Its QR code opens the credential from a phone, on screen or printed:',
    linkedInHeading: 'Add it to your LinkedIn profile',
    linkedInText: 'This link opens LinkedIn’s “Add license or certification” form, filled in with the course, the centre, the date and the link: check it and save.',
    walletHeading: 'Keep it in a wallet app',
    walletText: (p) => `If you keep credentials in a wallet app on your phone, such as the Learner Credential Wallet, this link adds this one to it. The link is for you alone, so do not forward it; it works until ${p.date}.`,
    walletButton: 'Add to my wallet',
    verify: (p) => `Anyone, such as an employer or a university, can check that it is genuine and still valid, without an account: by opening the link, scanning the QR code or entering the code on ${p.platformName}.`,
    contact: (p) => `A question, or a mistake in your name? Write to ${p.centre}: ${p.email}`,
    why: (p) => `You receive this e-mail because ${p.centre} issued a credential to this address.`,
  },
  // French typography: a no-break space (U+00A0) before « : » and « ? » and inside « », typographic apostrophes;
  // "credential" is « certificat », as on the pages.
  fr: {
    subject: (p) => `Votre certificat IIOE\u00a0: ${p.course}`,
    greeting: (p) => `Bonjour ${p.name},`,
    issued: (p) => `Le ${p.date}, ${p.centre} vous a délivré un certificat pour le cours ${p.course}.`,
    viewButton: 'Voir votre certificat',
    linkFallback: 'Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur\u00a0:',
    code: (p) => `Code de vérification\u00a0: ${p.code}`,
    qrIntro: 'Son code QR ouvre le certificat depuis un téléphone, à l’écran ou imprimé\u00a0:',
    linkedInHeading: 'Ajoutez-le à votre profil LinkedIn',
    linkedInText: 'Ce lien ouvre le formulaire LinkedIn «\u00a0Ajouter une licence ou une certification\u00a0», prérempli avec le cours, le centre, la date et le lien\u00a0: vérifiez-le, puis enregistrez.',
    walletHeading: 'Conservez-le dans un portefeuille',
    walletText: (p) => `Si vous conservez vos certificats dans une application de portefeuille sur votre téléphone, comme le Learner Credential Wallet, ce lien y ajoute celui-ci. Ce lien n’est destiné qu’à vous : ne le transférez pas. Il fonctionne jusqu’au ${p.date}.`,
    walletButton: 'Ajouter à mon portefeuille',
    verify: (p) => `Toute personne, par exemple un employeur ou une université, peut vérifier qu’il est authentique et toujours valide, sans compte\u00a0: en ouvrant le lien, en scannant le code QR ou en saisissant le code sur ${p.platformName}.`,
    contact: (p) => `Une question, une erreur dans votre nom\u00a0? Écrivez à ${p.centre}\u00a0: ${p.email}`,
    why: (p) => `Vous recevez ce message parce que ${p.centre} a délivré un certificat à cette adresse.`,
  },
  // Modern Standard Arabic, Arabic punctuation (، ؟); the greeting and the sentences address the learner without
  // marking gender. Terminology as on the pages: شهادة, مقرر, رمز التحقق.
  ar: {
    subject: (p) => `شهادتك من IIOE: ${p.course}`,
    greeting: (p) => `مرحبًا ${p.name}،`,
    issued: (p) => `بتاريخ ${p.date}، أصدر لك ${p.centre} شهادةً في مقرر ${p.course}.`,
    viewButton: 'عرض شهادتك',
    linkFallback: 'إذا لم يعمل الزر، فانسخ هذا الرابط والصقه في المتصفح:',
    code: (p) => `رمز التحقق: ${p.code}`,
    qrIntro: 'يفتح رمز QR الشهادة من الهاتف، على الشاشة أو مطبوعًا:',
    linkedInHeading: 'أضف الشهادة إلى ملفك الشخصي على LinkedIn',
    linkedInText: 'يفتح هذا الرابط نموذج «إضافة ترخيص أو شهادة» في LinkedIn مملوءًا بالمقرر والمركز والتاريخ والرابط: راجِعه ثم احفظه.',
    walletHeading: 'احتفظ بها في تطبيق محفظة',
    walletText: (p) => `إذا كنت تحتفظ بشهاداتك في تطبيق محفظة على هاتفك، مثل Learner Credential Wallet، فإن هذا الرابط يضيف هذه الشهادة إليه. هذا الرابط لك وحدك، فلا تُعِد توجيهه إلى أحد؛ ويبقى صالحًا حتى ${p.date}.`,
    walletButton: 'إضافة إلى محفظتي',
    verify: (p) => `يمكن لأي جهة، كصاحب عمل أو جامعة، أن تتحقق من أن الشهادة أصلية وما زالت صالحة دون إنشاء حساب: بفتح الرابط، أو بمسح رمز QR، أو بإدخال الرمز على ${p.platformName}.`,
    contact: (p) => `لديك سؤال، أو في اسمك خطأ؟ راسِل ${p.centre}: ${p.email}`,
    why: (p) => `وصلتك هذه الرسالة لأن ${p.centre} أصدر شهادة لهذا العنوان.`,
  },
  // Simplified Chinese, full-width punctuation; a space between Chinese text and Latin words or values (dates,
  // codes), none around names (the course, the centre, the platform), which may be Chinese themselves.
  zh: {
    subject: (p) => `您的 IIOE 证书：${p.course}`,
    greeting: (p) => `${p.name}，您好：`,
    issued: (p) => `${p.centre}已于 ${p.date} 为您签发“${p.course}”课程证书。`,
    viewButton: '查看您的证书',
    linkFallback: '如果按钮无法使用，请将以下链接复制到浏览器中打开：',
    code: (p) => `核验码：${p.code}`,
    qrIntro: '用手机扫描 QR 二维码即可打开证书，屏幕上或打印件上的均可：',
    linkedInHeading: '添加到您的 LinkedIn 个人资料',
    linkedInText: '此链接会打开 LinkedIn 的“添加执照或认证”表单，并已填好课程、中心、日期和链接：请核对后保存。',
    walletHeading: '保存到钱包应用',
    walletText: (p) => `如果您使用手机上的钱包应用（例如 Learner Credential Wallet）保存证书，可通过此链接将本证书添加进去。此链接仅供您本人使用，请勿转发；有效期至 ${p.date}。`,
    walletButton: '添加到我的钱包',
    verify: (p) => `任何人（例如用人单位或高校）无需账号即可核验该证书是否真实、是否仍然有效：打开链接、扫描 QR 二维码，或在${p.platformName}上输入核验码。`,
    contact: (p) => `如有疑问，或姓名有误，请联系${p.centre}：${p.email}`,
    why: (p) => `您收到此邮件，是因为${p.centre}向此邮箱地址签发了证书。`,
  },
};
