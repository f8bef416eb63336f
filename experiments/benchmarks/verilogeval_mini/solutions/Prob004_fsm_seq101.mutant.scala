import chisel3._
import chisel3.util._

object SeqState extends ChiselEnum {
  val idle, got1, got10, got101 = Value
}

class TopModule extends RawModule {
  val clk    = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val x      = IO(Input(Bool()))
  val z      = IO(Output(Bool()))

  withClockAndReset(clk, areset.asAsyncReset) {
    val state = RegInit(SeqState.idle)
    switch(state) {
      is(SeqState.idle)   { state := Mux(x, SeqState.got1, SeqState.idle) }
      is(SeqState.got1)   { state := Mux(x, SeqState.got1, SeqState.got10) }
      is(SeqState.got10)  { state := Mux(x, SeqState.got101, SeqState.idle) }
      is(SeqState.got101) { state := Mux(x, SeqState.idle, SeqState.got10) }
    }
    z := state === SeqState.got101
  }
}
