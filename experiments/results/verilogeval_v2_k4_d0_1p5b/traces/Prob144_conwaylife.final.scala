import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val load  = Input(Bool())
    val data = Input(UInt(256.W))
    val q    = Output(UInt(256.W))
  })
  val q = RegInit(VecInit.fill(16, 0.U(1.W)))
  val q_prev = RegInit(VecInit.fill(16, 0.U(1.W)))
  val count = RegInit(0.U(4.W))
  val last = count === 11.U
  when(io.load) { q := data }
  when(io.clk) {
    q_prev := q
    count := Mux(last, 0.U, count + 1.U)
    q := Mux(q_prev(0), q_prev(1), q_prev(2))
    q := Mux(q_prev(3), q_prev(4), q_prev(5))
    q := Mux(q_prev(6), q_prev(7), q_prev(8))
    q := Mux(q_prev(9), q_prev(10), q_prev(11))
    q := Mux(q_prev(12), q_prev(13), q_prev(14))
    q := Mux(q_prev(15), q_prev(0), q_prev(1))
  }
  io.q := q
}
