import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val r   = Input(UInt(3.W))
    val g   = Output(UInt(3.W))
  })
  val r = RegInit(0.U(3.W))
  val g = RegInit(0.U(3.W))
  when(r === 0.U) {
    when(r === 1.U) {
      when(r === 2.U) {
        when(r === 0.U) { g := 1.U }
        when(r === 1.U) { g := 0.U }
        when(r === 2.U) { g := 1.U }
        when(r === 3.U) { g := 0.U }
      }
    }
  }
  io.g := g
}
