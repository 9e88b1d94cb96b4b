import type { Catalogue } from './types.js';

// Arabic (Modern Standard Arabic), with the Arabic comma and semicolon (، ؛). Parameters (names, dates,
// identifiers) are inserted as given, in whatever script they are written in.
export const ar: Catalogue = {
  'proof.valid': (p) => `التوقيع صحيح: هذه الشهادة موقَّعة من ${p.issuerName ?? 'الجهة المُصدِرة'} ولم يطرأ عليها أي تعديل منذ توقيعها.`,
  'proof.invalid': (p) => `التوقيع غير مطابق: عُدِّلت هذه الشهادة بعد توقيعها أو لم توقِّعها الجهة المُصدِرة لها${p.reason ? ` (${p.reason})` : ''}.`,
  'proof.missing': () => 'لا تحمل الشهادة أي توقيع (إثبات)، ولذلك لا يوجد ما يبيّن الجهة التي أصدرتها.',
  'key.revoked': (p) => `سُحِب المفتاح الذي وُقِّعت به هذه الشهادة لتعرّضه للاختراق${p.date ? ` بتاريخ ${p.date}` : ''}؛ ولم يعد من الممكن الوثوق بالتوقيع.`,
  'proof.unresolvable': (p) => `تعذّر الحصول على المفتاح العام للجهة المُصدِرة${p.reason ? ` (${p.reason})` : ''}، ولذلك تعذّر التحقق من التوقيع.`,
  'issuer.recognised': (p) => `${p.issuerName ?? 'الجهة المُصدِرة'} مركز وطني ضمن شبكة IIOE على ${p.platformName ?? 'هذه الخدمة'}.`,
  'issuer.suspended': (p) => `عضوية ${p.issuerName ?? 'الجهة المُصدِرة'} في شبكة IIOE معلَّقة.`,
  'issuer.unrecognised': (p) => `الجهة المُصدِرة ${p.issuerId ?? ''} ليست مركزًا وطنيًا من مراكز IIOE في هذه الخدمة.`.replace('  ', ' '),
  'issuer.unreachable': () => 'تعذّرت قراءة قائمة المراكز المعترف بها، ولذلك تعذّر التحقق من الجهة المُصدِرة.',
  'issuer.not-checked': () => 'لم يُتحقق منه: لم يتم التحقق من التوقيع، لذا قد لا تكون الجهة المذكورة في هذه الشهادة هي التي أصدرتها.',
  'course.authorised': (p) => `المركز مخوَّل بمنح الشهادات في ${p.achievementName ?? 'هذا المقرر'}.`,
  'course.unauthorised': (p) => `لم يكن المركز مخوَّلًا بمنح الشهادات في ${p.achievementName ?? 'هذا المقرر'} عند إصداره هذه الشهادة.`,
  'course.not-checked': () => 'لم يُتحقق منه: بدون توقيع صالح لا شيء يثبت المقرر الذي اعتمدته الجهة المُصدِرة.',
  'status.active': () => 'لم تُلغَ الشهادة ولم تُعلَّق.',
  'status.revoked': (p) =>
    p.replacement
      ? `استُبدِلت الشهادة بشهادة مصحَّحة${p.date ? ` بتاريخ ${p.date}` : ''} ولم تعد صالحة؛ والشهادة المعتمدة حاليًا هي ${p.replacement}.`
      : `أُلغيت الشهادة${p.date ? ` بتاريخ ${p.date}` : ''}${p.reason ? `: ${p.reason}` : ''}.`,
  'status.suspended': (p) => `الشهادة معلَّقة${p.until ? ` حتى ${p.until}` : ''}${p.reason ? `: ${p.reason}` : ''}.`,
  'status.unreadable': (p) => `تعذّر التحقق من حالة الإلغاء${p.reason ? ` (${p.reason})` : ''}، ولذلك لا يمكن التأكد من أن الشهادة لا تزال سارية.`,
  'status.not-checked': () => 'لم يُتحقق منه: بدون توقيع صالح لا معنى لحالة إلغاء الشهادة.',
  'validity.current': (p) => (p.validUntil ? `الشهادة ضمن فترة صلاحيتها (حتى ${p.validUntil}).` : 'الشهادة سارية المفعول وليس لها تاريخ انتهاء.'),
  'validity.expired': (p) => `انتهت صلاحية الشهادة بتاريخ ${p.validUntil}.`,
  'validity.not-yet-valid': (p) => `لا تكون الشهادة صالحة قبل ${p.validFrom}.`,
  'validity.not-checked': () => 'لم يُتحقق منه: بدون توقيع صالح لا يمكن الاعتماد على التواريخ الواردة في هذه الشهادة.',
  'schema.ob3': () => 'الشهادة سليمة البنية وفق معيار Open Badges 3.0.',
  'schema.invalid': (p) => `الشهادة ليست سليمة البنية وفق معيار Open Badges 3.0${p.reason ? `: ${p.reason}` : ''}.`,
};
