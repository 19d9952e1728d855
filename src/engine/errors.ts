// Typed engine failures. Each carries a stable `code` and a message a user can act on; the job
// layer copies `message` into the job's `error` field unchanged, so write it for the end user.

export class EngineError extends Error {
  readonly code: string = 'engine_error';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A media URL could not be fetched (DNS, connect, HTTP status, timeout, too large). */
export class FetchError extends EngineError {
  override readonly code: string = 'fetch_failed';
}

/** A media URL resolved to a loopback/private/link-local/metadata address and that is not allowed. */
export class BlockedAddressError extends FetchError {
  override readonly code = 'blocked_address';
}

/** The bytes are not a usable image/audio/video (wrong type, truncated, undecodable). */
export class InvalidMediaError extends EngineError {
  override readonly code: string = 'invalid_media';
}

/** Media that decodes but breaks a configured limit (pixels, duration, size). */
export class MediaLimitError extends InvalidMediaError {
  override readonly code = 'media_limit';
}

export class NoFaceError extends EngineError {
  override readonly code = 'no_face';
  constructor(message = 'No face found in image') {
    super(message);
  }
}

export class NoSpeechError extends EngineError {
  override readonly code = 'no_speech';
  constructor(message = 'No speech found in audio: the track is silent') {
    super(message);
  }
}

/** The job was cancelled or timed out through its AbortSignal. */
export class AbortedError extends EngineError {
  override readonly code = 'aborted';
}

/** An external tool (ffmpeg) failed in a way that is not the input's fault. */
export class ToolError extends EngineError {
  override readonly code = 'tool_failed';
}
