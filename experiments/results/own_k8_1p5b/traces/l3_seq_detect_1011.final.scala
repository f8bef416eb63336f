import chisel3._
import chisel3.util._

class SeqDetect1011 extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val detect = Output(Bool())
  })

  // States (reset state first)
  val S = new ChiselEnum(4)
  val S_idle = S(0)
  val S_s1 = S(1)
  val S_s10 = S(2)
  val S_s101 = S(3)

  // State register and initial reset
  val state = RegInit(S_idle)

  // Mealy logic
  switch(state) {
    is(S_idle) {
      when(io.in) { state := S_s1 }
      else       { state := S_idle }
    }
    is(S_s1) {
      when(io.in) { state := S_s10 }
      else       { state := S_s1 }
    }
    is(S_s10) {
      when(io.in) { state := S_s101 }
      else       { state := S_idle }
    }
    is(S_s101) {
      when(io.in) { state := S_s1 }
      else       { state := S_s10 }
    }
  }

  // Detect output
  io.detect := (state === S_s101) && io.in
}
