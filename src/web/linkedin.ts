/**
 * LinkedIn's "add to profile" link for a certification: the form opens filled in with the course, the centre
 * as the organisation, the issue and expiry month, the public link and the short code as the credential id.
 */
export function linkedInAddToProfileUrl({
  courseName,
  organisation,
  issuedOn,
  expiresOn,
  certUrl,
  certId,
}: {
  courseName: string;
  organisation: string;
  issuedOn: string | null;
  expiresOn: string | null;
  certUrl: string;
  certId: string;
}): string {
  const params = new URLSearchParams({ startTask: 'CERTIFICATION_NAME', name: courseName, organizationName: organisation });
  const monthAndYear = (prefix: 'issue' | 'expiration', value: string | null) => {
    if (!value) return;
    const date = new Date(value);
    params.set(`${prefix}Year`, String(date.getUTCFullYear()));
    params.set(`${prefix}Month`, String(date.getUTCMonth() + 1));
  };
  monthAndYear('issue', issuedOn);
  monthAndYear('expiration', expiresOn);
  params.set('certUrl', certUrl);
  params.set('certId', certId);
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}
