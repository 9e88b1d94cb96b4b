// Minimal declarations for the untyped W3C libraries: only the parts this service calls.

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, object>;
}

declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519KeyPair {
    id?: string;
    controller?: string;
    publicKey: Uint8Array;
    export(options: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<Record<string, unknown>>;
    signer(): { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
  }
  export function generate(options?: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519KeyPair>;
  export function from(key: Record<string, unknown>): Promise<Ed25519KeyPair>;
  export function fromJwk(options: { jwk: object; secretKey?: boolean; id?: string; controller?: string }): Promise<Ed25519KeyPair>;
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: {
    name: string;
    requiredAlgorithm: string;
    canonize(input: object, options: object): Promise<string>;
    createVerifier(options: { verificationMethod: Record<string, unknown> }): Promise<unknown>;
  };
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { signer?: unknown; date?: string | Date | null; cryptosuite: object; legacyContext?: boolean });
    verificationMethod?: string;
  }
}

declare module '@digitalbazaar/vc' {
  type DocumentLoader = (url: string) => Promise<{ contextUrl: string | null; documentUrl: string; document: object }>;
  export interface VerifyResult {
    verified: boolean;
    error?: Error & { errors?: Error[] };
    results?: { verified: boolean; error?: Error; proof?: object; verificationMethod?: object }[];
    statusResult?: { verified: boolean };
  }
  export function issue(options: {
    credential: object;
    suite: object;
    documentLoader: DocumentLoader;
    now?: string | Date;
  }): Promise<Record<string, unknown>>;
  /** The credential checks `issue` and `verifyCredential` run before any proof (throws on the first failure). */
  export function _checkCredential(options: { credential: object; mode: 'issue' | 'verify'; now?: Date }): void;
  export function verifyCredential(options: {
    credential: object;
    suite: object | object[];
    documentLoader: DocumentLoader;
    now?: string | Date;
    checkStatus?: (options: object) => Promise<{ verified: boolean }>;
  }): Promise<VerifyResult>;
  export function signPresentation(options: {
    presentation: object;
    suite: object;
    documentLoader: DocumentLoader;
    challenge?: string;
    domain?: string;
  }): Promise<Record<string, unknown>>;
  export function verify(options: {
    presentation?: object;
    suite: object | object[];
    documentLoader: DocumentLoader;
    challenge?: string;
    domain?: string;
    unsignedPresentation?: boolean;
    presentationPurpose?: object;
    checkStatus?: (options: object) => Promise<{ verified: boolean }>;
  }): Promise<VerifyResult & { presentationResult?: VerifyResult; credentialResults?: VerifyResult[] }>;
}

declare module '@digitalbazaar/vc-bitstring-status-list' {
  export interface BitstringStatusList {
    length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }
  export function createList(options: { length: number }): Promise<BitstringStatusList>;
  export function decodeList(options: { encodedList: string }): Promise<BitstringStatusList>;
  export function createCredential(options: { id: string; list: BitstringStatusList; statusPurpose: string; context?: string[] }): Promise<Record<string, unknown>>;
  export function checkStatus(options: {
    credential: object;
    documentLoader: (url: string) => Promise<{ document: object }>;
    suite?: object | object[];
    verifyBitstringStatusListCredential?: boolean;
    verifyMatchingIssuers?: boolean;
  }): Promise<{ verified: boolean; error?: Error; results?: { verified: boolean; status: boolean; credentialStatus: object }[] }>;
}

declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite' {
  /** a fresh cryptosuite object for DataIntegrityProof: one that verifies, one that signs */
  export function createVerifyCryptosuite(): object;
  export function createSignCryptosuite(): object;
}

declare module '@digitalbazaar/ed25519-signature-2020' {
  export class Ed25519Signature2020 {
    constructor(options?: { key?: object; signer?: object; date?: string | Date });
  }
}

declare module '@digitalbazaar/ed25519-verification-key-2020' {
  // only the tests sign with this key type (as deployed wallets do); the service verifies through ed25519-multikey
  export class Ed25519VerificationKey2020 {
    id: string;
    controller: string;
    static generate(): Promise<Ed25519VerificationKey2020>;
    fingerprint(): string;
    export(options: { publicKey?: boolean; privateKey?: boolean; includeContext?: boolean }): Record<string, unknown>;
  }
}

declare module 'jsonld-signatures' {
  const jsigs: {
    verify(
      document: object,
      options: { suite: object | object[]; purpose: object; documentLoader: (url: string) => Promise<object> },
    ): Promise<{ verified: boolean; error?: unknown; results?: { verified: boolean; error?: unknown }[] }>;
    purposes: {
      AuthenticationProofPurpose: new (options: { challenge: string; domain?: string }) => object;
    };
  };
  export default jsigs;
}

declare module 'base58-universal' {
  export function encode(bytes: Uint8Array): string;
  export function decode(text: string): Uint8Array;
}
