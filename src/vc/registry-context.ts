/**
 * Our own JSON-LD context for the signed trust registry, version 1. Published at a stable URL under the
 * service's origin, bundled in the document loader, and never changed once published: a change is a v2.
 */
export const registryContextUrl = (publicBaseUrl: string) => `${publicBaseUrl}/contexts/iioe-registry/v1`;

export function registryContext(publicBaseUrl: string) {
  const vocab = `${publicBaseUrl}/contexts/iioe-registry/v1#`;
  const xsd = 'http://www.w3.org/2001/XMLSchema#';
  return {
    '@context': {
      '@protected': true,
      id: '@id',
      type: '@type',
      IIOETrustRegistry: `${vocab}IIOETrustRegistry`,
      RecognisedCentre: `${vocab}RecognisedCentre`,
      CourseAuthorisation: `${vocab}CourseAuthorisation`,
      registryVersion: { '@id': `${vocab}registryVersion`, '@type': `${xsd}integer` },
      recognisedCentres: { '@id': `${vocab}recognisedCentres`, '@container': '@set' },
      countryCode: `${vocab}countryCode`,
      centreStatus: `${vocab}centreStatus`,
      courseAuthorisations: { '@id': `${vocab}courseAuthorisations`, '@container': '@set' },
      course: { '@id': `${vocab}course`, '@type': '@id' },
      authorisedFrom: { '@id': `${vocab}authorisedFrom`, '@type': `${xsd}dateTime` },
      authorisedUntil: { '@id': `${vocab}authorisedUntil`, '@type': `${xsd}dateTime` },
    },
  };
}
