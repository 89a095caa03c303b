using System.Text.Json;
using TagWorker.ImSimulator.Hosting;
using TagWorker.ImSimulator.Limits;

namespace TagWorker.ImSimulator.Control;

/// <summary>
/// The simulator's own endpoints, outside the vendor's API and its limits: <c>GET /_sim/state</c>, <c>GET /_sim/stats</c>,
/// <c>POST /_sim/reset</c>, <c>GET</c> and <c>PUT /_sim/faults</c>, <c>GET</c> and <c>PUT /_sim/limits</c>.
/// </summary>
internal static class ControlEndpoints
{
    public const string Prefix = "/_sim";

    public static IEndpointRouteBuilder MapSimulatorControl(this IEndpointRouteBuilder endpoints)
    {
        var json = SimulatorControlJsonContext.Default;

        endpoints.MapGet(Prefix + "/state", http => http.Response.WriteAsJsonAsync(
            new SimulatorStateResponse(Core(http).Store.Snapshot()), json.SimulatorStateResponse, contentType: null, http.RequestAborted));

        endpoints.MapGet(Prefix + "/stats", http => http.Response.WriteAsJsonAsync(
            Core(http).SnapshotStats(), json.SimulatorStats, contentType: null, http.RequestAborted));

        endpoints.MapPost(Prefix + "/reset", http =>
        {
            Core(http).Reset();
            Log.StateReset(Logger(http));
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });

        endpoints.MapGet(Prefix + "/faults", http => http.Response.WriteAsJsonAsync(
            Core(http).Faults.Current, json.FaultOptions, contentType: null, http.RequestAborted));

        endpoints.MapPut(Prefix + "/faults", async http =>
        {
            var core = Core(http);
            FaultOptions? faults;
            try
            {
                faults = await JsonSerializer.DeserializeAsync(http.Request.Body, json.FaultOptions, http.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException exception)
            {
                await WriteErrorsAsync(http, [exception.Message]).ConfigureAwait(false);
                return;
            }

            if (faults is null)
            {
                await WriteErrorsAsync(http, ["The body must be a FaultOptions object."]).ConfigureAwait(false);
                return;
            }

            var validation = SimulatorOptionsValidator.ValidateFaults(faults);
            if (validation.Failed)
            {
                await WriteErrorsAsync(http, validation.Failures.ToList()).ConfigureAwait(false);
                return;
            }

            core.Faults.Current = faults;
            Log.FaultsChanged(
                Logger(http), faults.ErrorRate91000, faults.Http502Rate, faults.DropConnectionRate, faults.LostResponseRate, faults.Latency, faults.LatencyJitter, faults.ForcedErrorCode, faults.Seed);
            await http.Response.WriteAsJsonAsync(core.Faults.Current, json.FaultOptions, contentType: null, http.RequestAborted).ConfigureAwait(false);
        });

        endpoints.MapGet(Prefix + "/limits", http => http.Response.WriteAsJsonAsync(
            new SimulatorLimits(Core(http).Limiters.Snapshot()), json.SimulatorLimits, contentType: null, http.RequestAborted));

        endpoints.MapPut(Prefix + "/limits", async http =>
        {
            var core = Core(http);
            SimulatorLimitsChange? change;
            try
            {
                change = await JsonSerializer.DeserializeAsync(http.Request.Body, json.SimulatorLimitsChange, http.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException exception)
            {
                await WriteErrorsAsync(http, [exception.Message]).ConfigureAwait(false);
                return;
            }

            var errors = change is null ? ["The body must be an object such as {\"callsPerSecond\":60}."] : LimitsChangeValidator.Validate(change);
            if (errors.Count > 0)
            {
                await WriteErrorsAsync(http, errors).ConfigureAwait(false);
                return;
            }

            core.Limiters.Apply(change!);
            var limits = core.Limiters.Snapshot();
            Log.LimitsChanged(Logger(http), string.Join(", ", limits.Select(static limit => $"{limit.Key} {limit.Value}/s")));
            await http.Response.WriteAsJsonAsync(new SimulatorLimits(limits), json.SimulatorLimits, contentType: null, http.RequestAborted).ConfigureAwait(false);
        });

        return endpoints;
    }

    private static SimulatorCore Core(HttpContext http) => http.RequestServices.GetRequiredService<SimulatorCore>();

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ControlEndpoints));

    private static Task WriteErrorsAsync(HttpContext http, IReadOnlyList<string> errors)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return http.Response.WriteAsJsonAsync(
            new ValidationErrorResponse(errors), SimulatorControlJsonContext.Default.ValidationErrorResponse, contentType: null, http.RequestAborted);
    }
}
