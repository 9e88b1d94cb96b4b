import type { Verdict } from '../../vc/verification-report.js';

/** Values inserted into a message: names and codes as given, numbers and dates already formatted for the locale. */
type Text = string;

/** The levels the IIOE catalogue uses for its courses (e.g. the 1+X series: a foundation course, then modules). */
export const COURSE_LEVELS = ['Foundation', 'Module', 'Introductory', 'Intermediate', 'Advanced'] as const;
export type CourseLevel = (typeof COURSE_LEVELS)[number];
type With<P> = (params: P) => string;

/** A verdict as people read it: a short title and one sentence saying what it means for them. */
interface VerdictText {
  title: Text;
  explanation: Text;
}

/**
 * One language's words for the pages and the PDF certificate. Every language has exactly the keys of the English
 * catalogue (the type checks it at build time, a test at run time). The check messages themselves live with the
 * verification report (modules/verification/messages), because the API returns them too.
 */
export interface PageMessages {
  /** the language's own name, shown in the language switcher */
  languageName: Text;
  site: {
    name: Text;
    tagline: Text;
    skipToContent: Text;
    languages: Text;
    verifyLink: Text;
    footer: With<{ platformName: string }>;
  };
  verdicts: Record<Verdict, VerdictText>;
  checks: {
    heading: Text;
    names: { proof: Text; issuer: Text; authorised: Text; status: Text; validity: Text; schema: Text };
    outcomes: { passed: Text; failed: Text; unknown: Text };
    /** the mark of a check the report did not make because the signature did not verify (`*.not-checked`) */
    notChecked: Text;
    checkedAt: With<{ date: string }>;
  };
  credential: {
    heading: Text;
    recipient: Text;
    course: Text;
    description: Text;
    criteria: Text;
    hours: With<{ hours: string }>;
    level: With<{ level: string }>;
    issuer: Text;
    recognisedBy: With<{ platformName: string }>;
    notRecognised: Text;
    issuerSuspended: Text;
    issuerNotChecked: Text;
    issuedOn: Text;
    expiresOn: Text;
    noExpiry: Text;
    code: Text;
    link: Text;
    supersededBy: Text;
    replaces: Text;
    /** the heading and warning over the contents of a document whose signature did not verify */
    claimsHeading: Text;
    claimsNote: Text;
    narrative: Text;
    evidence: Text;
    evidenceMore: With<{ count: string }>;
  };
  /** the course levels of the IIOE catalogue (a course's `level`, written in English there); others are shown as written */
  levels: Record<CourseLevel, Text>;
  /** the home page (GET /) */
  home: {
    title: Text;
    intro: Text;
    verifyHeading: Text;
    otherWays: Text;
    centresHeading: Text;
    centresText: Text;
    apiReference: Text;
    openApi: Text;
    registry: Text;
  };
  actions: {
    heading: Text;
    downloadJson: Text;
    downloadPdf: Text;
    copyLink: Text;
    copied: Text;
    showQr: Text;
    downloadQr: Text;
    addToLinkedIn: Text;
    qrAlt: With<{ link: string }>;
    verifyAnother: Text;
  };
  /** the offer a learner reaches from their e-mail (GET /wallet/offers/:secret), also shown in the console */
  wallet: {
    heading: Text;
    intro: With<{ date: string }>;
    learnerCredentialWallet: { heading: Text; text: Text; button: Text };
    otherWallets: { heading: Text; text: Text; button: Text };
    qrAlt: With<{ wallet: string }>;
    private: Text;
    /** the credential as wallets list it (OpenID4VCI issuer metadata): its kind, and one line about it */
    credentialName: Text;
    credentialDescription: Text;
  };
  verify: {
    title: Text;
    intro: Text;
    codeLabel: Text;
    codeHint: Text;
    pasteLabel: Text;
    pasteHint: Text;
    fileLabel: Text;
    fileHint: With<{ size: string }>;
    submit: Text;
    resultHeading: Text;
    privacy: Text;
  };
  /** problems shown on pages, by the problem type's slug; `fallback` for any other of the same status */
  errors: {
    title: Text;
    backToVerify: Text;
    nothingToVerify: Text;
    notJson: With<{ reason: string }>;
    notCredential: Text;
    unreadableDocument: Text;
    tooManyInputs: Text;
    fileTooLarge: With<{ size: string }>;
    codeFormat: With<{ code: string }>;
    codeCheck: With<{ code: string }>;
    codeUnknown: With<{ code: string }>;
    credentialNotFound: Text;
    /** the title and text of the page of a credential erased at its holder's request (410) */
    withdrawnTitle: Text;
    credentialWithdrawn: Text;
    /** a wallet offer's link that names no offer, has expired, was used, or whose credential no longer holds */
    offerUnknown: Text;
    offerExpired: Text;
    offerUsed: Text;
    notOfferable: Text;
    notPrintable: Text;
    foreignUrl: Text;
    rateLimited: With<{ seconds: string }>;
    badRequest: Text;
    notFound: Text;
    serverError: With<{ requestId: string }>;
    temporarilyUnavailable: With<{ seconds: string }>;
  };
  certificate: {
    title: Text;
    certifies: Text;
    completed: Text;
    hours: With<{ hours: string }>;
    issuedBy: With<{ centre: string }>;
    issuedOn: With<{ date: string }>;
    validUntil: With<{ date: string }>;
    code: Text;
    scan: Text;
    network: Text;
  };
}
