namespace TagWorker.ImSimulator.Control;

/// <summary>The body of <c>GET /_sim/state</c>: <c>{"users":{"u1":["a","b"]}}</c>, every user holding a tag, tags sorted.</summary>
internal sealed record SimulatorStateResponse(IReadOnlyDictionary<string, IReadOnlyList<string>> Users);
