import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = IO(Input(Clock()))
    val reset = IO(Input(Bool()))
    val ena  = IO(Input(Bool()))
    val pm   = Output(Bool())
    val hh   = Output(UInt(8.W))
    val mm   = Output(UInt(8.W))
    val ss   = Output(UInt(8.W))
  })
  val pm   = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val hh   = RegInit(0.U(8.W))
  val mm   = RegInit(0.U(8.W))
  val ss   = RegInit(0.U(8.W))
  val count = RegInit(0.U(4.W))
  val last  = count === 11.U
  when(io.ena) { count := Mux(last, 0.U, count + 1.U) }
  io.value := count
  io.wrap  := io.ena && last
  when(io.clk) {
    pm := io.reset.asBool ^ count.asBool
    hh := Mux(count >= 10.U, count - 10.U, count)
    mm := Mux(count >= 59.U, count - 59.U, count)
    ss := Mux(count >= 59.U, count - 59.U, count)
  }
}
