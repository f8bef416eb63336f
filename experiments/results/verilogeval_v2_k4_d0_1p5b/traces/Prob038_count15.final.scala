import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val q    = Output(UInt(4.W))
  })
  val count = RegInit(0.U(4.W))
  val last  = count === 15.U
  when(io.reset) { count := 0.U }
  when(io.clk) { count := Mux(last, 0.U, count + 1.U) }
  io.q := count
}
