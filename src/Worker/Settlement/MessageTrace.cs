using System.Diagnostics;

namespace TagWorker.Settlement;

/// <summary>
/// A message's processing span (null when nothing listens) and when intake took it (TimeProvider timestamp), carried
/// from intake to settlement so the span ends with the settlement and <c>messaging.process.duration</c> covers the
/// whole stay in the pipeline.
/// </summary>
internal readonly record struct MessageTrace(Activity? Span, long StartedAt);
