using TagWorker.Pipeline;

namespace TagWorker.Tests.Pipeline;

public sealed class HeldWindowTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnterAsync_WindowFullOfParkedMessages_AdmitsTheReturnTheyWaitFor()
    {
        var window = new HeldWindow(maxMessages: 2, maxBytes: 1_000);
        await window.EnterAsync(10, Ct);
        await window.EnterAsync(10, Ct);
        var waiting = window.EnterAsync(10, Ct).AsTask();
        Assert.False(waiting.IsCompleted);

        // Both held messages wait behind an older one of their user that went back: the window must take it in again.
        window.Park(10);
        window.Park(10);

        await waiting.WaitAsync(Wait, Ct);
        Assert.Equal(3, window.Messages);
        Assert.False(window.IsFull);
    }

    [Fact]
    public async Task EnterAsync_ParkedBytesDoNotCount_AndCountAgainOnceUnparked()
    {
        var window = new HeldWindow(maxMessages: 100, maxBytes: 100);
        await window.EnterAsync(60, Ct);
        window.Park(60);
        await window.EnterAsync(60, Ct).AsTask().WaitAsync(Wait, Ct);

        window.Unpark(60);
        Assert.True(window.IsFull);
        var waiting = window.EnterAsync(10, Ct).AsTask();
        Assert.False(waiting.IsCompleted);
        window.Leave(60);
        await waiting.WaitAsync(Wait, Ct);
    }
}
