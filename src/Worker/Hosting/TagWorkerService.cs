using Microsoft.Extensions.Options;
using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Intake;
using TagWorker.Pipeline;
using TagWorker.Settlement;
using TagWorker.Sources;
using TagWorker.Telemetry;

namespace TagWorker.Hosting;

/// <summary>
/// Runs intake sessions: takes messages from the source into a fresh <see cref="PipelineCoordinator"/> until the
/// host stops or the configuration-fault circuit opens, then drains. On stop it sends what is pending and finishes
/// what is in flight until shortly before <see cref="HostOptions.ShutdownTimeout"/>, then abandons the rest; it
/// never completes a message whose changes were not applied. On a configuration fault it abandons everything
/// unresolved, probes the API until the fault is gone, and starts a new session.
/// </summary>
internal sealed class TagWorkerService(
    IServiceProvider services,
    ITagEventSource source,
    EventIntake intake,
    ConfigurationFaultCircuit circuit,
    CircuitProbe probe,
    WorkerHealth health,
    TagWorkerMetrics metrics,
    IOptions<HostOptions> hostOptions,
    IOptions<WorkerOptions> workerOptions,
    IOptions<ImApiOptions> imApiOptions,
    TimeProvider timeProvider,
    ILogger<TagWorkerService> logger) : BackgroundService
{
    /// <summary>Why the service stopped on its own (the source failed), or null; the command line turns it into the exit code.</summary>
    public Exception? Fault { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(logger, workerOptions.Value.Source.ToString(), imApiOptions.Value.BaseUrl?.ToString() ?? imApiOptions.Value.Region?.ToString() ?? "?", imApiOptions.Value.RequestsPerSecond);
        health.Running = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (circuit.IsOpen)
                {
                    await probe.RunUntilClosedAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await RunSessionAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping while waiting for the circuit to close: nothing is in flight.
        }
        catch (Exception exception)
        {
            // The host stops the application on this; record it so the process exits non-zero and Kubernetes sees it.
            Fault = exception;
            throw;
        }
        finally
        {
            health.Running = false;
            Log.Stopped(logger, metrics.Settled(SettlementOutcomes.Completed), metrics.Settled(SettlementOutcomes.DeadLettered), metrics.Settled(SettlementOutcomes.Abandoned));
        }
    }

    private async Task RunSessionAsync(CancellationToken stoppingToken)
    {
        var coordinator = ActivatorUtilities.CreateInstance<PipelineCoordinator>(services);
        await using (coordinator.ConfigureAwait(false))
        {
            var loop = coordinator.RunAsync();
            using var intakeStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var receiving = source.RunAsync((message, ct) => intake.AcceptAsync(message, coordinator, ct), intakeStop.Token);

            var stopped = Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, stoppingToken);
            // A fence request ends the session too: the next one starts only after the source's fence, so a message whose
            // settlement failed comes back before anything newer of its users.
            await Task.WhenAny(receiving, circuit.WhenOpened, stopped, loop, coordinator.WhenFenceRequested).ConfigureAwait(false);

            await intakeStop.CancelAsync().ConfigureAwait(false);
            coordinator.RequestDrain(circuit.IsOpen ? DrainMode.Abandon : DrainMode.Finish);

            // Leave a margin before the host's own shutdown deadline to abandon what is left and settle it.
            var shutdownTimeout = hostOptions.Value.ShutdownTimeout;
            var drainBudget = shutdownTimeout - TimeSpan.FromTicks(Math.Min(shutdownTimeout.Ticks / 4, TimeSpan.FromSeconds(5).Ticks));
            using var deadline = new CancellationTokenSource(drainBudget, timeProvider);
            using var abort = deadline.Token.Register(coordinator.Abort);

            Exception? sourceFault = null;
            try
            {
                await receiving.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (intakeStop.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // The source failing (broker unreachable, unauthorised) is reported after the drain.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                sourceFault = exception;
            }

            coordinator.IntakeStopped();
            await loop.ConfigureAwait(false);

            if (sourceFault is not null)
            {
                throw new InvalidOperationException($"The {workerOptions.Value.Source} source failed: {sourceFault.Message}", sourceFault);
            }
        }
    }
}
