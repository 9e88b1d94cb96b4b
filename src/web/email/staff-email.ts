import type { Language } from '../../lib/i18n.js';
import { html } from '../html.js';
import { directionOf } from '../language.js';
import { pageMessages } from '../messages/index.js';
import { bdi, emailDocument, fill, isolatedText, STYLE } from './layout.js';
import type { RenderedEmail } from './credential-email.js';

/** The console's e-mails to staff: each carries one one-time link. */
export type StaffEmailKind = 'invitation' | 'sign-in' | 'confirmation';

export interface StaffEmailInput {
  kind: StaffEmailKind;
  language: Language;
  staffName: string;
  /** the centre the staff member belongs to, or the platform's name for admins */
  organisation: string;
  /** who sent the invitation (invitation only) */
  inviterName?: string | null;
  link: string;
  /** how long the link works, in minutes */
  validMinutes: number;
}

type With<P> = (params: P) => string;
interface StaffEmailWords {
  subject: Record<StaffEmailKind, With<{ organisation: string }>>;
  greeting: With<{ name: string }>;
  body: {
    invitation: With<{ organisation: string; inviter: string }>;
    'sign-in': With<{ organisation: string; inviter: string }>;
    confirmation: With<{ organisation: string; inviter: string }>;
  };
  button: Record<StaffEmailKind, string>;
  linkFallback: string;
  validFor: With<{ duration: string }>;
  notYou: string;
  hours: With<{ count: number }>;
  minutes: With<{ count: number }>;
}

const words: Record<Language, StaffEmailWords> = {
  en: {
    subject: {
      invitation: ({ organisation }) => `You are invited to the credentials console of ${organisation}`,
      'sign-in': () => 'Your sign-in link',
      confirmation: () => 'Confirm your action in the credentials console',
    },
    greeting: ({ name }) => `Hello ${name},`,
    body: {
      invitation: ({ organisation, inviter }) => `${inviter} invited you to issue and manage credentials for ${organisation}. Accept the invitation to set up your account; you will then add a passkey to sign in.`,
      'sign-in': ({ organisation }) => `Use this link to sign in to the credentials console of ${organisation}.`,
      confirmation: () => 'You asked to confirm a sensitive action (a key rotation, a client secret or a change of staff). Open this link in the browser where you are signed in.',
    },
    button: { invitation: 'Accept the invitation', 'sign-in': 'Sign in', confirmation: 'Confirm' },
    linkFallback: 'If the button does not work, copy this address into your browser:',
    validFor: ({ duration }) => `The link works once, for ${duration}.`,
    notYou: 'If you did not expect this e-mail, ignore it: nothing happens without the link.',
    hours: ({ count }) => (count === 1 ? '1 hour' : `${count} hours`),
    minutes: ({ count }) => (count === 1 ? '1 minute' : `${count} minutes`),
  },
  fr: {
    subject: {
      invitation: ({ organisation }) => `Invitation à la console des certificats de ${organisation}`,
      'sign-in': () => 'Votre lien de connexion',
      confirmation: () => 'Confirmez votre action dans la console des certificats',
    },
    greeting: ({ name }) => `Bonjour ${name},`,
    body: {
      invitation: ({ organisation, inviter }) => `${inviter} vous invite à délivrer et gérer les certificats de ${organisation}. Acceptez l’invitation pour créer votre compte ; vous ajouterez ensuite une clé d’accès pour vous connecter.`,
      'sign-in': ({ organisation }) => `Utilisez ce lien pour vous connecter à la console des certificats de ${organisation}.`,
      confirmation: () => 'Vous avez demandé à confirmer une action sensible (rotation de clé, secret de client ou changement d’équipe). Ouvrez ce lien dans le navigateur où vous êtes connecté.',
    },
    button: { invitation: 'Accepter l’invitation', 'sign-in': 'Se connecter', confirmation: 'Confirmer' },
    linkFallback: 'Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :',
    validFor: ({ duration }) => `Le lien ne fonctionne qu’une fois, pendant ${duration}.`,
    notYou: 'Si vous n’attendiez pas ce message, ignorez-le : rien ne se passe sans le lien.',
    hours: ({ count }) => (count === 1 ? '1 heure' : `${count} heures`),
    minutes: ({ count }) => (count === 1 ? '1 minute' : `${count} minutes`),
  },
  ar: {
    subject: {
      invitation: ({ organisation }) => `دعوة إلى لوحة الشهادات في ${organisation}`,
      'sign-in': () => 'رابط تسجيل الدخول',
      confirmation: () => 'أكّد الإجراء في لوحة الشهادات',
    },
    greeting: ({ name }) => `مرحبًا ${name}،`,
    body: {
      invitation: ({ organisation, inviter }) => `دعاك ${inviter} إلى إصدار الشهادات وإدارتها لدى ${organisation}. اقبل الدعوة لإعداد حسابك، ثم أضف مفتاح مرور لتسجيل الدخول.`,
      'sign-in': ({ organisation }) => `استخدم هذا الرابط لتسجيل الدخول إلى لوحة الشهادات في ${organisation}.`,
      confirmation: () => 'طلبت تأكيد إجراء حسّاس (تدوير مفتاح، أو سرّ عميل، أو تغيير في فريق العمل). افتح هذا الرابط في المتصفح الذي سجّلت الدخول فيه.',
    },
    button: { invitation: 'قبول الدعوة', 'sign-in': 'تسجيل الدخول', confirmation: 'تأكيد' },
    linkFallback: 'إذا لم يعمل الزر، انسخ هذا العنوان في المتصفح:',
    validFor: ({ duration }) => `يعمل الرابط مرة واحدة لمدة ${duration}.`,
    notYou: 'إذا لم تكن تنتظر هذه الرسالة فتجاهلها: لا يحدث شيء دون الرابط.',
    hours: ({ count }) => (count === 1 ? 'ساعة واحدة' : count === 2 ? 'ساعتين' : `${count} ساعة`),
    minutes: ({ count }) => (count === 1 ? 'دقيقة واحدة' : count === 2 ? 'دقيقتين' : `${count} دقيقة`),
  },
  zh: {
    subject: {
      invitation: ({ organisation }) => `邀请您加入${organisation}的证书管理控制台`,
      'sign-in': () => '您的登录链接',
      confirmation: () => '请在证书管理控制台确认您的操作',
    },
    greeting: ({ name }) => `${name}，您好：`,
    body: {
      invitation: ({ organisation, inviter }) => `${inviter}邀请您为${organisation}颁发和管理证书。请接受邀请以设置账户，然后添加通行密钥用于登录。`,
      'sign-in': ({ organisation }) => `请使用此链接登录${organisation}的证书管理控制台。`,
      confirmation: () => '您请求确认一项敏感操作（密钥轮换、客户端密钥或人员变更）。请在已登录的浏览器中打开此链接。',
    },
    button: { invitation: '接受邀请', 'sign-in': '登录', confirmation: '确认' },
    linkFallback: '如果按钮无法使用，请将此地址复制到浏览器中：',
    validFor: ({ duration }) => `此链接仅可使用一次，有效期为${duration}。`,
    notYou: '如果您没有预期收到此邮件，请忽略：没有此链接不会发生任何操作。',
    hours: ({ count }) => `${count}小时`,
    minutes: ({ count }) => `${count}分钟`,
  },
};

export const staffEmailCatalogues = words;

/** A duration in the language: whole hours when it is some, else minutes. */
function durationIn(minutes: number, language: Language): string {
  const text = words[language];
  return minutes >= 60 && minutes % 60 === 0 ? text.hours({ count: minutes / 60 }) : text.minutes({ count: minutes });
}

/** An invitation, a sign-in link or a confirmation link, in the staff member's language; HTML and plain text say the same. */
export function renderStaffEmail(input: StaffEmailInput): RenderedEmail {
  const { language, kind } = input;
  const text = words[language];
  const align = directionOf(language) === 'rtl' ? 'right' : 'left';
  const plainValue = (value: string) => isolatedText(value, language);
  const inviter = input.inviterName ?? pageMessages(language).site.name;
  const subject = text.subject[kind]({ organisation: plainValue(input.organisation) });
  const validFor = text.validFor({ duration: durationIn(input.validMinutes, language) });
  const plain = [
    text.greeting({ name: plainValue(input.staffName) }),
    text.body[kind]({ organisation: plainValue(input.organisation), inviter: plainValue(inviter) }),
    `${text.button[kind]}\n${input.link}`,
    validFor,
    `-- \n${text.notYou}`,
  ];
  const value = (raw: string) => bdi(raw, language);
  const body = html`<div lang="${language}" dir="${directionOf(language)}" style="${STYLE.outer};text-align:${align}">
<div style="${STYLE.card}">
<p style="${STYLE.site}">${pageMessages(language).site.name}</p>
<p style="${STYLE.paragraph}">${fill(text.greeting, { name: value(input.staffName) })}</p>
<p style="${STYLE.paragraph}">${fill(text.body[kind], { organisation: value(input.organisation), inviter: value(inviter) })}</p>
<p style="margin:24px 0"><a href="${input.link}" style="${STYLE.button}">${text.button[kind]}</a></p>
<p style="${STYLE.small}">${text.linkFallback}<br><a href="${input.link}" dir="ltr" style="${STYLE.link}">${input.link}</a></p>
<p style="${STYLE.paragraph}">${validFor}</p>
</div>
<p style="${STYLE.footer}">${text.notYou}</p>
</div>`;
  return { subject, html: emailDocument({ language, subject, body }), text: `${plain.join('\n\n')}\n`, attachments: [] };
}
