using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

/// <summary>The vendor's documented examples, verbatim, must survive deserialize → serialize unchanged (modulo whitespace).</summary>
public sealed class WireJsonTests
{
    // im_add_tag.zh.md, 请求包示例 (im_remove_tag uses the same shape).
    private const string AddTagRequest = """
        {
        	"UserTags": [
        		{
        			"To_Account": "xiaojun012",
        			"Tags": ["a", "b"]
        		},
        		{
        			"To_Account": "xiaojun013",
        			"Tags": ["a", "b"]
        		}
        	]
        }
        """;

    // im_remove_all_tags.zh.md, 请求包示例 (im_get_tag takes the same shape).
    private const string RemoveAllTagsRequest = """
        {
        	"To_Account": [
        		"xiaojun012",
        		"xiaojun013"
        	]
        }
        """;

    // Both pages, 应答包体示例.
    private const string OkResponse = """
        {
            "ActionStatus": "OK",
            "ErrorInfo": "",
            "ErrorCode": 0
        }
        """;

    // The vendor's im_get_tag page (product 1047, document 37172), sample response packet.
    private const string GetTagResponseExample = """
        {
            "ActionStatus": "OK",
            "ErrorInfo": "",
            "ErrorCode": 0,
            "UserTags": [
                {
                    "To_Account": "xiaojun012",
                    "Tags": ["a", "b"]
                },
                {
                    "To_Account": "xiaojun013",
                    "Tags": ["a", "c"]
                }
            ]
        }
        """;

    [Fact]
    public void TagRequestBody_AddTagExample_RoundTripsByteForByte() =>
        AssertRoundTrips(AddTagRequest, ImApiJsonContext.Default.TagRequestBody);

    [Fact]
    public void AccountsRequestBody_RemoveAllTagsExample_RoundTripsByteForByte() =>
        AssertRoundTrips(RemoveAllTagsRequest, ImApiJsonContext.Default.AccountsRequestBody);

    [Fact]
    public void ImResponse_OkExample_RoundTripsByteForByte() =>
        AssertRoundTrips(OkResponse, ImApiJsonContext.Default.ImResponse);

    [Fact]
    public void GetTagResponse_Example_RoundTripsByteForByte() =>
        AssertRoundTrips(GetTagResponseExample, ImApiJsonContext.Default.GetTagResponse);

    [Fact]
    public void ImResponse_Ok_WritesDocumentedBody() =>
        Assert.Equal(Compact(OkResponse), JsonSerializer.Serialize(ImResponse.Ok(), ImApiJsonContext.Default.ImResponse));

    [Fact]
    public void ImResponse_Fail_WritesFailWithCodeAndInfo() =>
        Assert.Equal(
            """{"ActionStatus":"FAIL","ErrorInfo":"json parse failed","ErrorCode":90001}""",
            JsonSerializer.Serialize(ImResponse.Fail(90001, "json parse failed"), ImApiJsonContext.Default.ImResponse));

    [Fact]
    public void TagRequestBody_Example_DeserializesToUsersAndTags()
    {
        var body = JsonSerializer.Deserialize(AddTagRequest, ImApiJsonContext.Default.TagRequestBody)!;

        Assert.Equal(["xiaojun012", "xiaojun013"], body.UserTags.Select(u => u.Account));
        Assert.All(body.UserTags, u => Assert.Equal(["a", "b"], u.Tags));
    }

    [Fact]
    public void ImResponse_WithoutErrorCode_DoesNotDeserialize() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"ActionStatus":"OK","ErrorInfo":""}""", ImApiJsonContext.Default.ImResponse));

    private static void AssertRoundTrips<T>(string example, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var value = JsonSerializer.Deserialize(example, typeInfo)!;

        var written = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

        Assert.Equal(Compact(example), Encoding.UTF8.GetString(written));
    }

    // Drops insignificant whitespace only: property order and values stay as the vendor wrote them.
    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            document.RootElement.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
