import type { LocalizedText } from '../../lib/i18n.js';

/** Demo content: a fictional centre and a fictional "1+X GenAI" series, every name marked as demo. */
export const DEMO_CENTRE = {
  slug: 'egypt-demo',
  name: {
    en: 'IIOE Egypt National Centre (demo)',
    fr: 'Centre national IIOE d\'Égypte (démo)',
    ar: 'المركز الوطني للمعهد الدولي للتعليم الإلكتروني في مصر (تجريبي)',
    zh: 'IIOE埃及国家中心（演示）',
  } satisfies LocalizedText,
  defaultLanguage: 'en',
  countryCode: 'EG',
  hostInstitution: 'Ain Shams University (demo)',
};

export const DEMO_COURSES: {
  /** the short code centre staff type in a batch spreadsheet */
  code: string;
  name: LocalizedText;
  description: LocalizedText;
  criteria: LocalizedText;
  level: string;
  hours: number;
}[] = [
  {
    code: 'genai-foundation',
    name: {
      en: '1+X GenAI Foundation: Generative AI for University Teachers (demo)',
      fr: 'Fondation 1+X GenAI : l\'IA générative pour les enseignants universitaires (démo)',
      ar: 'أساسيات 1+X للذكاء الاصطناعي التوليدي لأعضاء هيئة التدريس الجامعي (تجريبي)',
      zh: '1+X 生成式人工智能基础：面向高校教师（演示）',
    },
    description: {
      en: 'Demo course. What generative AI is, how large language models work, and how to use them responsibly in higher education.',
      fr: 'Cours de démonstration. Ce qu\'est l\'IA générative, le fonctionnement des grands modèles de langage et leur usage responsable dans l\'enseignement supérieur.',
      ar: 'مقرر تجريبي. ما هو الذكاء الاصطناعي التوليدي، وكيف تعمل النماذج اللغوية الكبيرة، وكيفية استخدامها بمسؤولية في التعليم العالي.',
      zh: '演示课程。什么是生成式人工智能、大语言模型如何工作，以及如何在高等教育中负责任地使用它们。',
    },
    criteria: {
      en: 'Completed all foundation modules and passed the final assessment with at least 70%.',
      fr: 'A suivi tous les modules de base et réussi l\'évaluation finale avec au moins 70 %.',
      ar: 'أكمل جميع الوحدات الأساسية واجتاز التقييم النهائي بنسبة 70٪ على الأقل.',
      zh: '完成全部基础模块，并以不低于70%的成绩通过期末考核。',
    },
    level: 'Foundation',
    hours: 20,
  },
  {
    code: 'genai-pedagogy',
    name: {
      en: '1+X GenAI Module: Pedagogy and Assessment with Generative AI (demo)',
      fr: 'Module 1+X GenAI : pédagogie et évaluation avec l\'IA générative (démo)',
      ar: 'وحدة 1+X: طرق التدريس والتقييم باستخدام الذكاء الاصطناعي التوليدي (تجريبي)',
    },
    description: {
      en: 'Demo course. Designing learning activities and fair assessments when students have access to generative AI.',
      fr: 'Cours de démonstration. Concevoir des activités d\'apprentissage et des évaluations équitables lorsque les étudiants ont accès à l\'IA générative.',
      ar: 'مقرر تجريبي. تصميم أنشطة التعلم والتقييمات العادلة عندما يتاح للطلاب استخدام الذكاء الاصطناعي التوليدي.',
    },
    criteria: {
      en: 'Designed and submitted a course unit that integrates generative AI, reviewed by a tutor.',
      fr: 'A conçu et soumis une unité de cours intégrant l\'IA générative, évaluée par un tuteur.',
      ar: 'صمم وقدم وحدة دراسية تدمج الذكاء الاصطناعي التوليدي، وراجعها مدرس.',
    },
    level: 'Module',
    hours: 15,
  },
  {
    code: 'genai-governance',
    name: {
      en: '1+X GenAI Module: Governance and Ethics of AI in Universities (demo)',
      fr: 'Module 1+X GenAI : gouvernance et éthique de l\'IA dans les universités (démo)',
      ar: 'وحدة 1+X: حوكمة الذكاء الاصطناعي وأخلاقياته في الجامعات (تجريبي)',
    },
    description: {
      en: 'Demo course. Institutional policies, data protection, academic integrity and equity in the use of AI.',
      fr: 'Cours de démonstration. Politiques institutionnelles, protection des données, intégrité académique et équité dans l\'usage de l\'IA.',
      ar: 'مقرر تجريبي. السياسات المؤسسية وحماية البيانات والنزاهة الأكاديمية والإنصاف في استخدام الذكاء الاصطناعي.',
    },
    criteria: {
      en: 'Drafted an AI-use policy for a department and passed the module quiz.',
      fr: 'A rédigé une politique d\'usage de l\'IA pour un département et réussi le quiz du module.',
      ar: 'صاغ سياسة لاستخدام الذكاء الاصطناعي لقسم أكاديمي واجتاز اختبار الوحدة.',
    },
    level: 'Module',
    hours: 12,
  },
];

export const DEMO_SERIES = '1+X GenAI (demo)';
