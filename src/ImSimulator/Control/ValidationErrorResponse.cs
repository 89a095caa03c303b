namespace TagWorker.ImSimulator.Control;

/// <summary>The body of a refused control request: <c>{"errors":["…"]}</c>.</summary>
internal sealed record ValidationErrorResponse(IReadOnlyList<string> Errors);
