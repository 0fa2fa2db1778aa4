// The web-stream build of React's server renderer (app/entry.server.tsx, ADR 0028) has the same
// renderToReadableStream as the types of react-dom/server declare.
declare module "react-dom/server.browser" {
  export { renderToReadableStream } from "react-dom/server";
}
