// What the Worker's bundler gives for its imports: the model file inlined as bytes (esbuild's binary loader).
declare module '*.safetensors' {
  const bytes: Uint8Array;
  export default bytes;
}
