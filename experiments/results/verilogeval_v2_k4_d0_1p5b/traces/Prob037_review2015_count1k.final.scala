import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = IO(Input(Clock()))
    val reset = IO(Input(Bool()))
    val q    = IO(Output(UInt(10.W)))
  })
  val counter = RegInit(0.U(10.W))
  when(io.reset) { counter := 0.U }
  when(io.clk) { counter := Mux(counter === 999.U, 0.U, counter + 1.U) }
  io.q := counter
}
