// The small idiomatic layer the Android shell uses over the generated bindings (orientation_ffi.kt, same
// package): suspend functions that never block the caller's thread, Flows from listeners, lambdas for
// callbacks. Objects are AutoCloseable already: `Orientation(config).use { … }`.
package fr.spro.orientation

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.mapLatest
import kotlinx.coroutines.isActive
import kotlinx.coroutines.withContext

/**
 * Searches on [dispatcher] (a worker thread). Cancelling the calling coroutine interrupts the search and
 * returns once it has stopped.
 */
suspend fun Catalogue.searchCancellable(
    query: SearchQuery,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): SearchPage = coroutineScope {
    val running = async(dispatcher) {
        try {
            search(query)
        } catch (e: OrientationException.Interrupted) {
            // Interrupted because this coroutine was cancelled: that is a cancellation, not a failure
            // (a failure would take precedence over the cancellation and reach the caller's scope).
            if (!isActive) throw CancellationException("recherche annulée").apply { initCause(e) }
            throw e
        }
    }
    try {
        running.await()
    } catch (e: CancellationException) {
        // The search is a blocking call on another thread: tell the engine to stop it. The scope then
        // waits for that thread to come back before this function ends.
        interrupt()
        throw e
    }
}

/**
 * Search as you type: each new query cancels (and interrupts) the search of the previous one, so only the
 * latest query's page comes out.
 */
@OptIn(ExperimentalCoroutinesApi::class)
fun Catalogue.searchAsYouType(
    queries: Flow<SearchQuery>,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): Flow<SearchPage> = queries.mapLatest { searchCancellable(it, dispatcher) }

/** A sheet read off the calling thread. */
suspend fun Catalogue.sheetOf(id: String, dispatcher: CoroutineDispatcher = Dispatchers.IO): Sheet =
    withContext(dispatcher) { sheet(id) }

/** The catalogue state: the current one first, then each change, until the collector stops. */
fun Orientation.catalogueStates(): Flow<CatalogueState> = callbackFlow {
    val handle = watchCatalogue(object : CatalogueStateListener {
        override fun onState(state: CatalogueState) {
            trySend(state)
        }
    })
    awaitClose {
        handle.cancel()
        handle.close()
    }
}

private fun progressListener(onProgress: (BuildProgress) -> Unit) = object : BuildProgressListener {
    override fun onProgress(progress: BuildProgress) = onProgress(progress)
}

/** Builds the catalogue; [onProgress] runs on a background thread. Cancel the coroutine to cancel the build. */
suspend fun Orientation.buildCatalogue(onProgress: (BuildProgress) -> Unit): BuildReport =
    buildCatalogue(progressListener(onProgress))

/** Opens the catalogue, building it first if there is none; what the app calls at start-up. */
suspend fun Orientation.openCatalogue(onProgress: (BuildProgress) -> Unit): Catalogue =
    openCatalogue(progressListener(onProgress))

/**
 * Sends the Rust side's logs to [log] (on Android: `Log.println(priority, record.target, record.message)`).
 * Called from any thread.
 */
fun setLogger(level: LogLevel = LogLevel.INFO, log: (LogRecord) -> Unit) =
    setLogger(object : Logger {
        override fun log(record: LogRecord) = log(record)
    }, level)

/** The kind a search result is kept under as a favourite. */
fun ItemKind.asFavouriteKind(): FavouriteKind = when (this) {
    ItemKind.JOB -> FavouriteKind.JOB
    ItemKind.TRAINING -> FavouriteKind.TRAINING
    ItemKind.PLACE -> FavouriteKind.PLACE
    ItemKind.AID -> FavouriteKind.AID
}

/**
 * The star on a result: adds the item to the favourites or removes it, on [dispatcher]. Returns whether it
 * is a favourite now.
 */
suspend fun Favourites.toggle(
    item: SearchItem,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): Boolean = withContext(dispatcher) {
    val kind = item.kind.asFavouriteKind()
    if (remove(kind, item.id)) {
        false
    } else {
        add(item.id, kind)
        true
    }
}

/** The favourites in the user's order, read on [dispatcher]. */
suspend fun Favourites.listOf(
    filter: FavouriteFilter = FavouriteFilter(),
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): List<Favourite> = withContext(dispatcher) { list(filter) }

/** Two to four trainings side by side (typed columns and the ready-made table), read on [dispatcher]. */
suspend fun Favourites.compareOf(
    trainingIds: List<String>,
    from: Location? = null,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): Comparison = withContext(dispatcher) { compare(trainingIds, from) }

/** The row of the table for [criterion], null when the table has none. */
fun Comparison.row(criterion: CompareCriterion): CompareRow? = rows.firstOrNull { it.criterion == criterion }

/**
 * Writes the favourites and saved searches to [file] (a file the shell then shares or moves), on
 * [dispatcher]: disk work never runs on the main thread.
 */
suspend fun Favourites.exportTo(
    file: java.io.File,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): ExportSummary = withContext(dispatcher) { exportTo(file.path) }

/** Merges the document in [file]; refused whole (`InvalidExport`, nothing changed) when it is not valid. */
suspend fun Favourites.importFrom(
    file: java.io.File,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): ImportSummary = withContext(dispatcher) { importFrom(file.path) }
