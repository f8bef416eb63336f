import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val x     = Input(UInt(1.W))
    val z     = Output(UInt(1.W))
  })
  val xor = RegInit(false.B)
  val and = RegInit(false.B)
  val or = RegInit(false.B)
  val dff = RegInit(0.U(1.W))
  val dff_complement = RegInit(0.U(1.W))
  val nor = RegInit(0.U(1.W))
  val state = RegInit(0.U(1.W))
  val moving = RegInit(false.B)
  val last_reset = RegInit(false.B)

  when(last_reset) {
    xor := false.B
    and := false.B
    or := false.B
    dff := 0.U(1.W)
    dff_complement := 0.U(1.W)
    nor := 0.U(1.W)
    state := 0.U(1.W)
    moving := false.B
  }

  when(io.clk.posedge) {
    if(last_reset) {
      xor := false.B
      and := false.B
      or := false.B
      dff := 0.U(1.W)
      dff_complement := 0.U(1.W)
      nor := 0.U(1.W)
      state := 0.U(1.W)
      moving := false.B
    } else {
      xor := io.x ^ dff
      and := io.x & dff_complement
      or := io.x | dff_complement
      dff := xor
      dff_complement := and
      nor := or
      state := state + 1.U
      moving := state === 1.U || state === 3.U
    }
  }

  io.z := nor
}
