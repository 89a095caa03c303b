using TagWorker.ImSimulator.Api;
using TagWorker.ImSimulator.Control;

namespace TagWorker.ImSimulator.Hosting;

/// <summary>Maps the simulator's endpoints: the vendor's API and the <c>/_sim</c> control endpoints.</summary>
internal static class SimulatorEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapImSimulator(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTagApi();
        endpoints.MapSimulatorControl();
        return endpoints;
    }
}
