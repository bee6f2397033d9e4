export {
  CLIENT_DATA_PREFIX,
  ClientDataCodec,
  type ClientDataCodecOptions,
  type ClientDataSettings,
  clientDataKey,
  DEFAULT_WARN_THRESHOLD,
  isClientDataReference,
  type SerializeOptions,
} from "./codec.js";
export { LruCache } from "./lru.js";
