/** Raised inside a sync pass when the node changed under us; the pass starts over. */
export class NodeMoved extends Error {}
