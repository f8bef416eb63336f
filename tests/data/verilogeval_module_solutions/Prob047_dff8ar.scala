import chisel3._
import chisel3.util._

// Eight D flip-flops with an active-high asynchronous reset (`areset`): the Module's reset made async.
class TopModule extends Module with RequireAsyncReset {
  val io = IO(new Bundle {
    val d = Input(UInt(8.W))
    val q = Output(UInt(8.W))
  })
  io.q := RegNext(io.d, 0.U(8.W))
}
