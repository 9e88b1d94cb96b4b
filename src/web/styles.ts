/**
 * The one stylesheet, inlined in every page (no request for it, nothing from the network). Logical properties
 * (inline-start/end) so the Arabic pages mirror by `dir="rtl"` alone; colours meet WCAG 2.2 AA contrast on white;
 * system fonts only.
 */
export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;line-height:1.5;color:#1b1f24;background:#f4f6f8;-webkit-text-size-adjust:100%}
body{margin:0}
a{color:#0b57a4}
a:focus-visible,button:focus-visible,summary:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.skip{position:absolute;inset-inline-start:-999px}
.skip:focus{inset-inline-start:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
header,footer{background:#10325a;color:#fff}
header a,footer a{color:#fff}
.bar{max-width:52rem;margin:0 auto;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between}
.brand{font-weight:700;text-decoration:none;font-size:1.1rem}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .9rem}
nav a[aria-current]{font-weight:700;text-decoration:none;border-block-end:2px solid #fff}
main{max-width:52rem;margin:0 auto;padding:1rem}
footer p{max-width:52rem;margin:0 auto;padding:1rem;font-size:.9rem}
section,.card{background:#fff;border:1px solid #d5dbe1;border-radius:.5rem;padding:1rem 1.25rem;margin-block:1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
h2{font-size:1.2rem;margin:0 0 .75rem}
.verdict{display:flex;gap:1rem;align-items:flex-start;border-inline-start:.5rem solid}
.verdict svg{flex:none;width:2.75rem;height:2.75rem}
.verdict p{margin:.25rem 0 0}
.good{border-color:#17803d;background:#eef8f1}.good svg{color:#17803d}
.bad{border-color:#b3261e;background:#fdf0ef}.bad svg{color:#b3261e}
.warn{border-color:#8a5a00;background:#fff7e6}.warn svg{color:#8a5a00}
dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.4rem 1rem;margin:0}
dt{font-weight:600;color:#46505a}
dd{margin:0;overflow-wrap:anywhere}
@media (max-width:36rem){dl{grid-template-columns:1fr;gap:.1rem}dt{margin-block-start:.5rem}.checks li{grid-template-columns:1fr}.checks p{grid-column:1}}
.name{font-size:1.35rem;font-weight:700}
.code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;letter-spacing:.05em;font-size:1.05rem}
.checks{list-style:none;margin:0;padding:0}
.checks li{display:grid;grid-template-columns:auto 1fr;gap:.1rem .75rem;padding-block:.5rem;border-block-start:1px solid #e3e7eb}
.checks li:first-child{border:0}
.checks .mark{font-weight:700;min-width:9rem}
.passed .mark{color:#17803d}.failed .mark{color:#b3261e}.unknown .mark{color:#8a5a00}
.checks p{grid-column:2;margin:0}
.muted{color:#46505a;font-size:.9rem}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin:0;padding:0;list-style:none}
.button,button{display:inline-block;padding:.5rem .9rem;border:1px solid #0b57a4;border-radius:.4rem;background:#fff;color:#0b57a4;font:inherit;text-decoration:none;cursor:pointer}
.primary{background:#0b57a4;color:#fff}
.linkedin{background:#0a66c2;border-color:#0a66c2;color:#fff}
details{margin-block-start:.75rem}
summary{cursor:pointer;color:#0b57a4}
details img{display:block;margin-block:.5rem;background:#fff}
label{display:block;font-weight:600;margin-block:.75rem .25rem}
input[type=text],input[type=url],textarea{width:100%;font:inherit;padding:.5rem;border:1px solid #6b7680;border-radius:.3rem}
textarea{min-height:8rem;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
.hint{margin:0 0 .25rem;color:#46505a;font-size:.9rem}
.error{border-inline-start:.5rem solid #b3261e}
.claims{border:2px dashed #8a5a00;background:#fffdf7}
.claims-note{margin:0 0 .75rem;padding:.5rem .75rem;background:#fff7e6;border-inline-start:.3rem solid #8a5a00}
.text{white-space:pre-line}
.evidence{margin:0;padding-inline-start:1.1rem}
.evidence li+li{margin-block-start:.4rem}
.home-links{margin:0;padding-inline-start:1.1rem}
.wallet-options{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1rem}
.wallet-options h3{font-size:1.05rem;margin:0 0 .25rem}
.qr{display:block;max-width:100%;height:auto;background:#fff}
`
  .trim()
  .replace(/\n/g, '');
