/**
 * A sleep another part of the process can cut short (new events sealed, a stop). A wake that
 * comes while nobody sleeps is kept for the next sleep, so a loop never sleeps through work that
 * arrived while it was busy.
 */
export class Wakeup {
  private wakeUp: (() => void) | null = null;
  private pending = false;

  wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    if (wake) wake();
    else this.pending = true;
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
