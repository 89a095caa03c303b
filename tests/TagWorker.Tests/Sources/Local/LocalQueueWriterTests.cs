using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueWriterTests
{
    [Fact]
    public async Task EnqueueAsync_Bodies_AreReceivedInOrder()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        var writer = new LocalQueueWriter(queue);

        await writer.EnqueueAsync(Bodies("e", 3), Cancellation);

        var received = await queue.ReceiveAsync(10, Cancellation);
        Assert.Equal(["e0", "e1", "e2"], received.Select(m => Text(m.Body)));
    }
}
