package fr.spro.orientation

import org.junit.jupiter.api.Test
import java.io.File

// The same searches as bindings/examples/bench_search.rs, through the generated Kotlin bindings (JNA):
// a warmed loop that prints its figures (scripts/bench-ffi puts them beside the Rust ones). Not a test:
// it asserts nothing and runs only in the `bench` Maven profile.
private val QUERIES = listOf(
    "boulanger",
    "infirmière",
    "prof de sport",
    "formation cariste",
    "mission locale",
    "aide soignant",
    "developpeur web",
    "cuisto",
    "plombier chauffagiste",
    "électricien",
)
private const val WARMUP_ROUNDS = 20

private fun report(label: String, nanos: LongArray) {
    val micros = nanos.map { it / 1000.0 }.sorted()
    fun at(p: Double) = micros[((micros.size - 1) * p).toInt()]
    println(
        "%-44s median %8.1f µs   p90 %8.1f µs   mean %8.1f µs   (%d calls)".format(
            label, at(0.5), at(0.9), micros.average(), micros.size,
        ),
    )
}

class SearchBench {
    @Test
    fun searchOverhead() {
        val catalogueFile = File(System.getProperty("bench.catalogue"))
        val rounds = (System.getProperty("bench.rounds") ?: "200").toInt()
        val config = OrientationConfig(
            dataDir = catalogueFile.parent,
            catalogueSource = CatalogueSource.File(catalogueFile.path),
        )
        Orientation(config).use { app ->
            app.catalogue().use { catalogue ->
                val queries = QUERIES.map { SearchQuery(text = it, limit = 20) }
                repeat(WARMUP_ROUNDS) { queries.forEach { catalogue.search(it) } }
                val search = LongArray(rounds * queries.size)
                var i = 0
                repeat(rounds) {
                    for (q in queries) {
                        val start = System.nanoTime()
                        val page = catalogue.search(q)
                        search[i++] = System.nanoTime() - start
                        check(page.items.size <= 20)
                    }
                }
                val trivial = LongArray(rounds * queries.size)
                repeat(WARMUP_ROUNDS * queries.size) { coreVersion() }
                for (j in trivial.indices) {
                    val start = System.nanoTime()
                    coreVersion()
                    trivial[j] = System.nanoTime() - start
                }
                report("Kotlin/JNA: Catalogue.search", search)
                report("Kotlin/JNA: coreVersion() (a call, no work)", trivial)
            }
        }
    }
}
