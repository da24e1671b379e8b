/** `.dnn` files imported by the page are bundled as their text (esbuild's text loader, web/build.ts). */
declare module "*.dnn" {
  const text: string;
  export default text;
}
