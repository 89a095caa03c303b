using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

public class TagChangeEventRoundTripProperties
{
    [Property(Arbitrary = [typeof(ValidEventArbitrary)], MaxTest = 1000)]
    public bool SerializeThenParse_ValidEvent_GivesTheSameEvent(TagChangeEvent e)
    {
        var result = TagChangeEventParser.Parse(TagChangeEventSerializer.SerializeToUtf8Bytes(e));

        return result.IsValid && EventAssert.AreSame(e, result.Event);
    }

    [Property(Arbitrary = [typeof(ValidEventArbitrary)], MaxTest = 1000)]
    public bool Partitioner_AnyAccount_IsInRange(TagChangeEvent e, PositiveInt partitions)
    {
        return e.Users.All(u =>
            int.Parse(TagEventPartitioner.SessionIdFor(u, partitions.Get), System.Globalization.CultureInfo.InvariantCulture)
                is var p && p >= 0 && p < partitions.Get);
    }

    /// <summary>
    /// Valid events built through <see cref="TagChangeEvents"/>, with raw lists that may hold duplicates, and values
    /// from an alphabet of 1-, 2-, 3- and 4-byte UTF-8 characters filled up to (and exactly at) the byte limits.
    /// </summary>
    public static class ValidEventArbitrary
    {
        private static readonly string[] Alphabet = ["a", "Z", "0", "_", "-", " ", "é", "用", "户", "标", "😀", "\"", "\\", "/"];

        public static Arbitrary<TagChangeEvent> Events() => Event().ToArbitrary();

        private static Gen<TagChangeEvent> Event() =>
            from eventId in Text(1, TagEventLimits.MaxEventIdLength, int.MaxValue, TagEventLimits.MaxEventIdLength)
            from occurredAt in Timestamp()
            from op in Gen.Elements(TagOperation.Add, TagOperation.Remove, TagOperation.RemoveAll)
            from users in ListOf(Text(1, 32, TagEventLimits.MaxAccountBytes, int.MaxValue), 1, 30)
            from tags in ListOf(Text(1, 50, TagEventLimits.MaxTagBytes, int.MaxValue), 1, 120)
            select op switch
            {
                TagOperation.Add => TagChangeEvents.Add(eventId, occurredAt, users, Cap(tags)),
                TagOperation.Remove => TagChangeEvents.Remove(eventId, occurredAt, users, Cap(tags)),
                _ => TagChangeEvents.RemoveAll(eventId, occurredAt, users),
            };

        // Keeps at most 100 distinct tags, so that long generated lists stay valid.
        private static string[] Cap(string[] tags) => [.. tags.Distinct(StringComparer.Ordinal).Take(TagEventLimits.MaxTagsPerEvent)];

        private static Gen<string[]> ListOf(Gen<string> item, int min, int max) =>
            from count in Gen.Choose(min, max)
            from distinct in Gen.ArrayOf(item, count)
            from repeats in Gen.Choose(0, 3)
            select distinct.Concat(distinct.Take(repeats)).ToArray();

        // Up to maxPieces characters, then cut to maxBytes of UTF-8 and maxLength UTF-16 units without splitting one.
        private static Gen<string> Text(int minPieces, int maxPieces, int maxBytes, int maxLength) =>
            from count in Gen.Choose(minPieces, maxPieces)
            from pieces in Gen.ArrayOf(Gen.Elements(Alphabet), count)
            select Fit(pieces, maxBytes, maxLength);

        private static string Fit(string[] pieces, int maxBytes, int maxLength)
        {
            var builder = new StringBuilder();
            var bytes = 0;
            foreach (var piece in pieces)
            {
                var size = Encoding.UTF8.GetByteCount(piece);
                if (bytes + size > maxBytes || builder.Length + piece.Length > maxLength)
                {
                    break;
                }

                builder.Append(piece);
                bytes += size;
            }

            return builder.Length > 0 ? builder.ToString() : "a";
        }

        private static Gen<DateTimeOffset> Timestamp() =>
            from seconds in Gen.Choose(0, int.MaxValue)
            from ticks in Gen.Choose(0, 9_999_999)
            from offsetMinutes in Gen.Choose(-14 * 60, 14 * 60)
            select new DateTimeOffset(
                new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddSeconds(seconds).AddTicks(ticks),
                TimeSpan.FromMinutes(offsetMinutes));
    }
}
