using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TagWorker.Contracts;
using TagWorker.Demo;
using TagWorker.Sources;
using TagWorker.Sources.Local;

namespace TagWorker.Benchmarks.Queue;

/// <summary>
/// The <c>queue</c> verb: the local queue's intake ceiling with everything downstream out of the way. Enqueues
/// synthetic events (the demo's bodies) into a fresh SQLite file, then runs <see cref="LocalQueueSource"/> and
/// completes every message it hands out, and reports receive+complete events/s. <c>--mode stream</c> completes each
/// message as soon as it is handed out; <c>--mode burst</c> holds <c>--burst</c> messages and then completes them all
/// at once, concurrently, the way the pipeline settles a large fold. Exit code 1 if the queue is not empty at the end.
/// </summary>
internal static class QueueCommand
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Events to enqueue, receive and complete.", DefaultValueFactory = _ => 200_000 };
        var mode = new Option<string>("--mode") { Description = "stream: complete each message at once; burst: hold --burst messages, then complete them together.", DefaultValueFactory = _ => "burst" };
        mode.AcceptOnlyFromAmong("stream", "burst");
        var burst = new Option<int>("--burst") { Description = "Messages held before a burst of completes (burst mode).", DefaultValueFactory = _ => 100_000 };
        var maxHeld = new Option<int>("--max-held") { Description = "LocalQueue:MaxConcurrentMessages.", DefaultValueFactory = _ => new LocalQueueOptions().MaxConcurrentMessages };
        var batch = new Option<int>("--receive-batch") { Description = "LocalQueue:ReceiveBatchSize.", DefaultValueFactory = _ => new LocalQueueOptions().ReceiveBatchSize };
        var runs = new Option<int>("--runs") { Description = "How many times to run, each on a fresh file.", DefaultValueFactory = _ => 1 };
        var shuffle = new Option<bool>("--shuffle") { Description = "Burst mode: complete each burst in a random order (seeded), as the pipeline settles users spread over the backlog, instead of in receive order." };
        var command = new Command("queue", "The local queue's receive+complete throughput (no pipeline, no API); prints events/s, CPU and thread-pool figures.")
        {
            events, mode, burst, maxHeld, batch, runs, shuffle,
        };
        foreach (var option in new[] { events, burst, maxHeld, batch, runs })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{option.Name} must be at least 1.");
                }
            });
        }

        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(events), parse.GetValue(mode) == "burst", parse.GetValue(burst), parse.GetValue(maxHeld),
            parse.GetValue(batch), parse.GetValue(runs), parse.GetValue(shuffle), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int events, bool burstMode, int burst, int maxHeld, int receiveBatch, int runs, bool shuffle, CancellationToken cancellationToken)
    {
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        Console.WriteLine(Invariant($"TagWorker queue: {events:N0} events, mode {(burstMode ? $"burst of {Math.Min(burst, maxHeld):N0}{(shuffle ? " in random order" : "")}" : "stream")}, MaxConcurrentMessages {maxHeld:N0}, ReceiveBatchSize {receiveBatch:N0}; {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {Environment.ProcessorCount} cores, pool-thread minimum {minWorkers}, .NET {Environment.Version}"));
        var bodies = Bodies(events);
        Console.WriteLine(Invariant($"  bodies: {bodies.Average(b => b.Length):0} bytes on average"));
        var exitCode = 0;
        for (var run = 1; run <= runs; run++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "tagworker-bench-queue", Guid.NewGuid().ToString("N"));
            try
            {
                exitCode |= await RunOnceAsync(run, Path.Combine(directory, "queue.db"), bodies, burstMode ? Math.Min(burst, maxHeld) : 0, maxHeld, receiveBatch, shuffle, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        return exitCode;
    }

    private static async Task<int> RunOnceAsync(
        int run, string path, List<ReadOnlyMemory<byte>> bodies, int burst, int maxHeld, int receiveBatch, bool shuffle, CancellationToken cancellationToken)
    {
        var options = Options.Create(new LocalQueueOptions { Path = path, MaxConcurrentMessages = maxHeld, ReceiveBatchSize = receiveBatch, PollInterval = TimeSpan.FromMilliseconds(1) });
        using var queue = new LocalQueue(options, TimeProvider.System, NullLogger<LocalQueue>.Instance);
        var enqueueStarted = Stopwatch.GetTimestamp();
        foreach (var chunk in bodies.Chunk(5_000))
        {
            await queue.EnqueueAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        var enqueueSeconds = Stopwatch.GetElapsedTime(enqueueStarted).TotalSeconds;
        await using var source = new LocalQueueSource(queue, options, TimeProvider.System, NullLogger<LocalQueueSource>.Instance);
        var consumer = new CompletingConsumer(bodies.Count, burst, shuffle ? new Random(run) : null);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var ioCpuBefore = IoThreadCpuSeconds();
        var gcBefore = GC.CollectionCount(0);
        var started = Stopwatch.GetTimestamp();
        var receiving = source.RunAsync(consumer.AcceptAsync, stop.Token);
        var peakPoolThreads = 0;
        while (!consumer.Done.IsCompleted)
        {
            peakPoolThreads = Math.Max(peakPoolThreads, ThreadPool.ThreadCount);
            await Task.WhenAny(consumer.Done, Task.Delay(50, cancellationToken)).ConfigureAwait(false);
        }

        await consumer.Done.ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var ioCpu = IoThreadCpuSeconds() - ioCpuBefore;
        await stop.CancelAsync().ConfigureAwait(false);
        await receiving.ConfigureAwait(false);
        var counts = await queue.GetCountsAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine(Invariant($"  run {run}: enqueue {bodies.Count / enqueueSeconds,9:N0} events/s; receive+complete {bodies.Count:N0} in {seconds:0.00} s = {bodies.Count / seconds,9:N0} events/s, CPU {cpu:0.00} s ({cpu / seconds / Environment.ProcessorCount:P0} of the box), of it the queue's I/O thread {ioCpu:0.00} s (its ceiling {bodies.Count / ioCpu:N0} events/s), peak pool threads {peakPoolThreads}, gen0 GCs {GC.CollectionCount(0) - gcBefore}, peak working set {process.PeakWorkingSet64 / (1024 * 1024):N0} MB; queue left {counts.Active + counts.Leased}"));
        return counts.Active + counts.Leased == 0 ? 0 : 1;
    }

    // The serial part: CPU time of the queue's own thread (Linux names it by its first 15 characters in /proc), so the
    // figure can be judged on a busy machine too: events ÷ this is what that thread allows on an idle one.
    private static double IoThreadCpuSeconds()
    {
        var ticksPerSecond = 100.0; // USER_HZ, 100 on Linux.
        var total = 0L;
        foreach (var task in Directory.Exists("/proc/self/task") ? Directory.GetDirectories("/proc/self/task") : [])
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != "TagWorker local")
                {
                    continue;
                }

                // Fields after the parenthesised name: state is field 3, utime 14 and stime 15.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }

        return total / ticksPerSecond;
    }

    private static List<ReadOnlyMemory<byte>> Bodies(int count)
    {
        var generator = new SyntheticEventGenerator(seed: 7, users: Math.Max(1, count / 10), tagAlphabet: 30, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var bodies = new List<ReadOnlyMemory<byte>>(count);
        for (var i = 0; i < count; i++)
        {
            bodies.Add(TagChangeEventSerializer.SerializeToUtf8Bytes(generator.Next()));
        }

        return bodies;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Completes what the source hands out, at once (stream) or in bursts of held messages.</summary>
    private sealed class CompletingConsumer(int total, int burst, Random? shuffle)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<SourceMessage> _held = new(burst);
        private int _received;
        private int _completed;

        public Task Done => _done.Task;

        public ValueTask AcceptAsync(SourceMessage message, CancellationToken cancellationToken)
        {
            // The source hands messages over one at a time, so _held needs no lock.
            var received = ++_received;
            if (burst == 0)
            {
                _ = CompleteAsync(message);
                return ValueTask.CompletedTask;
            }

            _held.Add(message);
            if (_held.Count >= burst || received == total)
            {
                var held = _held.ToArray();
                _held.Clear();
                shuffle?.Shuffle(held);

                // All at once and concurrently, from the pool, as the pipeline's settler does for a resolved fold.
                _ = Task.Run(() => Parallel.ForEach(held, m => _ = CompleteAsync(m)), CancellationToken.None);
            }

            return ValueTask.CompletedTask;
        }

        private async Task CompleteAsync(SourceMessage message)
        {
            try
            {
                await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                _done.TrySetException(exception);
                return;
            }

            if (Interlocked.Increment(ref _completed) == total)
            {
                _done.TrySetResult();
            }
        }
    }
}
