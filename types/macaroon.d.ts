/** Minimal typings for the `macaroon` package (go-macaroon/js-macaroon 3.x). */
declare module 'macaroon' {
  export interface Caveat {
    identifier: Uint8Array;
    vid?: Uint8Array;
    location?: string;
  }
  export interface Macaroon {
    readonly identifier: Uint8Array;
    readonly location: string;
    readonly signature: Uint8Array;
    readonly caveats: Caveat[];
    addFirstPartyCaveat(condition: string | Uint8Array): void;
    exportBinary(): Uint8Array;
    exportJSON(): unknown;
    verify(rootKey: Uint8Array, check: (condition: string) => string | null, discharges?: Macaroon[]): void;
  }
  export function newMacaroon(params: { rootKey: Uint8Array | string; identifier: Uint8Array | string; location?: string; version?: 1 | 2 }): Macaroon;
  export function importMacaroon(data: string | Uint8Array | object): Macaroon;
  export function importMacaroons(data: string | Uint8Array | object): Macaroon[];
  export function bytesToBase64(bytes: Uint8Array): string;
  export function base64ToBytes(text: string): Uint8Array;
}
