import type { Catalogue } from './types.js';

// Simplified Chinese. Full-width punctuation; a space separates Latin-script values (dates, identifiers) from
// Chinese text, none around names, which may themselves be in Chinese.
export const zh: Catalogue = {
  'proof.valid': (p) => `签名有效：本证书由${p.issuerName ?? '签发机构'}签署，签署后未被修改。`,
  'proof.invalid': (p) => `签名不匹配：本证书在签署后被修改过，或并非由其签发机构签署${p.reason ? `（${p.reason}）` : ''}。`,
  'proof.missing': () => '本证书没有任何签名（证明），因此无从确认签发者。',
  'key.revoked': (p) => `签署本证书的密钥已${p.date ? `于 ${p.date} ` : ''}因泄露而被撤回；该签名不再可信。`,
  'proof.unresolvable': (p) => `无法获取签发机构的公钥${p.reason ? `（${p.reason}）` : ''}，因此无法核验签名。`,
  'issuer.recognised': (p) => `${p.issuerName ?? '签发机构'}是${p.platformName ?? '本服务'}上的 IIOE 网络国家中心。`,
  'issuer.suspended': (p) => `${p.issuerName ?? '签发机构'}的 IIOE 网络成员资格已被暂停。`,
  'issuer.unrecognised': (p) => `签发机构 ${p.issuerId ?? ''} 不是本服务的 IIOE 国家中心。`.replace('  ', ''),
  'issuer.unreachable': () => '无法读取认可中心名单，因此无法核验签发机构。',
  'issuer.not-checked': () => '未检查：签名未通过验证，因此本证书所称的颁发者未必真的颁发了它。',
  'course.authorised': (p) => `该中心已获授权为${p.achievementName ?? '本课程'}颁发证书。`,
  'course.unauthorised': (p) => `该中心在签发本证书时未获授权为${p.achievementName ?? '本课程'}颁发证书。`,
  'course.not-checked': () => '未检查：没有有效签名，无法证明颁发者认证了哪门课程。',
  'status.active': () => '本证书未被撤销，也未被暂停。',
  'status.revoked': (p) =>
    p.replacement
      ? `本证书已${p.date ? `于 ${p.date} ` : ''}被一份更正后的证书取代，不再有效；现行证书为 ${p.replacement}。`
      : `本证书已${p.date ? `于 ${p.date} ` : ''}被撤销${p.reason ? `：${p.reason}` : ''}。`,
  'status.suspended': (p) => `本证书${p.until ? `在 ${p.until} 之前` : ''}处于暂停状态${p.reason ? `：${p.reason}` : ''}。`,
  'status.unreadable': (p) => `无法核查撤销状态${p.reason ? `（${p.reason}）` : ''}，因此无法确认本证书目前仍然有效。`,
  'status.not-checked': () => '未检查：没有有效签名，证书的撤销状态没有意义。',
  'validity.current': (p) => (p.validUntil ? `本证书在有效期内（有效期至 ${p.validUntil}）。` : '本证书现已生效，且没有到期日。'),
  'validity.expired': (p) => `本证书已于 ${p.validUntil} 过期。`,
  'validity.not-yet-valid': (p) => `本证书在 ${p.validFrom} 之前尚未生效。`,
  'validity.not-checked': () => '未检查：没有有效签名，本证书所载日期不可信。',
  'schema.ob3': () => '本证书是格式规范的 Open Badges 3.0 证书。',
  'schema.invalid': (p) => `本证书不是格式规范的 Open Badges 3.0 证书${p.reason ? `：${p.reason}` : ''}。`,
};
