using TagWorker.ImApi;

namespace TagWorker.Pipeline;

/// <summary>A planned request waiting for its turn: it may be sent once it is the oldest unresolved call of each of its users.</summary>
internal sealed class PlannedCall(TagRequest request)
{
    public TagRequest Request { get; } = request;

    public bool Sent { get; set; }
}
