// The triangulation of the 468-point mesh (MediaPipe's tessellation; the mouth is a hole in it,
// the eyes are covered). Read from the Human package so it always matches its landmark model.
import { humanInstance } from './human-runtime.js';

let triangles: Uint16Array | null = null;

export async function faceMeshTriangles(): Promise<Uint16Array> {
  if (!triangles) triangles = Uint16Array.from((await humanInstance()).faceTriangulation);
  return triangles;
}
