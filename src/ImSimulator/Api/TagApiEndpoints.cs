using TagWorker.ImApi;

namespace TagWorker.ImSimulator.Api;

/// <summary>Maps the vendor's user-tag endpoints: <c>POST /v4/all_member_push/{command}</c>.</summary>
internal static class TagApiEndpoints
{
    public static IEndpointRouteBuilder MapTagApi(this IEndpointRouteBuilder endpoints)
    {
        // Resolved per call, not at mapping time, so that invalid options fail at start-up validation rather than here.
        endpoints.MapPost(
            "/" + ImCommandPaths.ServicePath + "/{command}",
            http => http.RequestServices.GetRequiredService<TagCallHandler>().HandleAsync(http, http.GetRouteValue("command") as string));
        return endpoints;
    }
}
