package fr.spro.orientation.app

import android.content.Context
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.PeriodicWorkRequest
import androidx.work.WorkManager
import androidx.work.Worker
import androidx.work.WorkerParameters
import fr.spro.orientation.OrientationException
import java.util.concurrent.TimeUnit

/**
 * The periodic background work: today, what is new for the saved searches (a notification); the
 * catalogue update joins here when the core offers it (issue "updates").
 */
class CatalogueWorker(context: Context, params: WorkerParameters) : Worker(context, params) {
    override fun doWork(): Result {
        val app = applicationContext as OrientationApplication
        return try {
            val news = app.core.favourites().checkSavedSearches()
            for (n in news) {
                val count = n.newResults.size + n.newSessions.size + n.registrationsOpened.size
                if (count > 0) app.platform.notify(n.name, "$count nouveauté(s) pour cette recherche")
            }
            Result.success()
        } catch (e: OrientationException.CatalogueMissing) {
            Result.success()
        } catch (e: OrientationException) {
            Result.retry()
        }
    }

    companion object {
        fun schedule(context: Context) {
            val request = PeriodicWorkRequest.Builder(CatalogueWorker::class.java, 1, TimeUnit.DAYS).build()
            WorkManager.getInstance(context)
                .enqueueUniquePeriodicWork("orientation-catalogue", ExistingPeriodicWorkPolicy.KEEP, request)
        }
    }
}
