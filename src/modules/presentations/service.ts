import { listOf } from '../../lib/json.js';
import { problemType } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import { envelopedCredentialOf, isEnvelopedCredential } from '../../vc/jose.js';
import { presentationShapeProblem, presentedCredentials, subjectDids, verifyPresentationProof } from '../../vc/presentation.js';
import { verifyCredential } from '../verification/service.js';
import { invalidInput, rejectUnknownOptions, VCDM, vcalmCredentialResult } from '../vcalm/service.js';
import type { VerifyPresentationResponse } from './schemas.js';

type Json = Record<string, unknown>;
type CredentialResult = VerifyPresentationResponse['results']['credentials'][number];

const malformed = (detail: string, path: string, message: string) => invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, detail, [{ path, message }]);

/**
 * Holder binding (the rule; VCALM leaves it to the caller): a credential whose subject is a DID is presented
 * by that DID, i.e. the presentation's proof verified and was made by one of its subjects. An unsigned presentation
 * proves no holder, so such a credential cannot be bound by one.
 */
function bindHolder(result: CredentialResult, subjects: string[], holder: string | undefined, signed: boolean, publicBaseUrl: string): CredentialResult {
  if (subjects.length === 0 || (holder !== undefined && subjects.includes(holder))) return result;
  const about = subjects.join(', ');
  const detail = !signed
    ? `The credential is about ${about}; an unsigned presentation does not show who presents it.`
    : holder === undefined
      ? `The credential is about ${about}; the presentation's proof did not verify, so who presents it is not known.`
      : `The credential is about ${about}, but ${holder} presented it.`;
  const problem = { type: `${publicBaseUrl}${problemType('holder-not-subject')}`, title: 'holder.not-subject', detail };
  return { ...result, verified: false, problemDetails: [...(result.problemDetails ?? []), problem] };
}

/**
 * VCALM POST /presentations/verify. The presentation's own proof (DID authentication: purpose authentication, the
 * options' challenge and domain, a key of its holder), then every credential in it with our full verification
 * report, answered as POST /credentials/verify answers (enveloped vc+jwt credentials too), and holder binding.
 * A presentation without a proof is verified only when the request sends it as `presentation` (VCALM's
 * ProoflessVerifyPresentationRequest). 200 whenever verification could run, `verified` false when anything failed;
 * 400 for a malformed request.
 */
export async function verifyVcalmPresentation({
  ctx,
  verifiablePresentation,
  presentation,
  options = {},
}: {
  ctx: AppContext;
  verifiablePresentation?: Json;
  presentation?: Json;
  options?: Json;
}): Promise<VerifyPresentationResponse> {
  rejectUnknownOptions(options, { challenge: 'string', domain: 'string', returnPresentation: 'boolean' });
  const signed = verifiablePresentation !== undefined;
  const input = (verifiablePresentation ?? presentation) as Json;
  const root = signed ? 'body.verifiablePresentation' : 'body.presentation';
  const shape = presentationShapeProblem(input);
  if (shape) throw malformed(`The presentation is malformed: ${shape}.`, root, shape);
  const challenge = options.challenge as string | undefined;
  const domain = options.domain as string | undefined;
  if (signed && challenge === undefined) {
    throw malformed('options.challenge is required to verify a presentation\'s proof: send the challenge you gave the holder (it ties the proof to your request, so an old presentation cannot be replayed).', 'body.options.challenge', 'required');
  }
  if (!signed && input.proof !== undefined) throw malformed('This presentation has a proof: send it as verifiablePresentation, with options.challenge.', 'body.presentation.proof', 'send a signed presentation as verifiablePresentation');
  const credentials = presentedCredentials(input);
  credentials.forEach((credential, index) => {
    if (typeof credential !== 'object' || credential === null || Array.isArray(credential)) {
      throw malformed(`verifiableCredential[${index}] is not a credential (a JSON object).`, `${root}.verifiableCredential.${index}`, 'must be a credential object');
    }
  });

  const proof = signed ? await verifyPresentationProof({ presentation: input, challenge: challenge as string, domain, resolveDid: ctx.resolveDid }) : undefined;
  const authenticated = proof?.outcome.outcome === 'valid' ? proof.holder : undefined;
  const proofProblem =
    proof && proof.outcome.outcome !== 'valid'
      ? { type: `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`, title: `proof.${proof.outcome.outcome}`, detail: 'reason' in proof.outcome ? proof.outcome.reason : 'The presentation carries no proof; send a presentation without one as presentation.' }
      : undefined;

  const publicBaseUrl = ctx.config.publicBaseUrl;
  const credentialResults = await Promise.all(
    credentials.map(async (credential) => {
      const report = await verifyCredential({ ctx, credential: credential as Json });
      const result = vcalmCredentialResult({ report, credential: credential as Json, options: { returnResults: true }, publicBaseUrl });
      const subjects = subjectDids(isEnvelopedCredential(credential) ? envelopedCredentialOf(credential) : credential);
      return bindHolder(result, subjects, authenticated, signed, publicBaseUrl);
    }),
  );

  const proofs = signed ? listOf(input.proof) : [];
  const holder = signed ? proof?.holder : undefined;
  return {
    verified: (!signed || proof?.outcome.outcome === 'valid') && credentialResults.every((result) => result.verified),
    ...(options.returnPresentation === true ? { verifiablePresentation: input } : {}),
    ...(proofProblem ? { problemDetails: [proofProblem] } : {}),
    results: {
      presentation: {
        ...(challenge !== undefined ? { challenge: { verified: proof?.outcome.outcome === 'valid', input: challenge } } : {}),
        ...(domain !== undefined ? { domain: { verified: proof?.outcome.outcome === 'valid', input: domain } } : {}),
        ...(holder !== undefined ? { holder: { verified: authenticated !== undefined, input: holder } } : {}),
        ...(signed ? { proof: proofs.map((entry) => ({ verified: proof?.outcome.outcome === 'valid', input: entry, ...(proofProblem ? { problemDetails: [proofProblem] } : {}) })) } : {}),
      },
      credentials: credentialResults,
    },
  };
}
