import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val ena  = Input(UInt(3.W))
    val q   = Output(UInt(16.W))
  })
  val q = RegInit(0.U(16.W))
  val count = RegInit(0.U(4.W))
  val last  = count === 11.U
  when(io.en(2)) { count := Mux(last, 0.U, count + 1.U) }
  when(io.en(1)) { count := Mux(last, 0.U, count + 1.U) }
  when(io.en(0)) { count := Mux(last, 0.U, count + 1.U) }
  q := count
}
